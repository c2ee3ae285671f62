// bench's report: timings, the optional profile, memory, the comparison with ONNX Runtime and the
// RESULT line that tools/bench.sh reads.
#include <algorithm>
#include <cstdio>

#include "app/cli/bench.h"

namespace nc::cli {

namespace {

constexpr double kMbPerKb = 1.0 / 1024.0;

// Peak resident set growth from before loading the model, in MB.
double growthMb(int64_t beforeKb, int64_t peakKb) { return double(peakKb - beforeKb) * kMbPerKb; }

void printProfile(const OursMeasurement& m, int iters) {
  std::vector<std::pair<double, std::string>> rows;
  for (auto& [op, t] : m.opMs) rows.emplace_back(t / iters, op);
  std::sort(rows.rbegin(), rows.rend());
  std::printf("kernel time per iteration by op:\n");
  for (auto& [t, op] : rows) std::printf("  %-20s %9.3f ms\n", op.c_str(), t);
  std::vector<std::pair<double, NodeId>> nodes;
  for (auto& [id, t] : m.nodeMs) nodes.emplace_back(t / iters, id);
  std::sort(nodes.rbegin(), nodes.rend());
  std::printf("slowest nodes:\n");
  for (size_t k = 0; k < std::min<size_t>(15, nodes.size()); ++k) {
    const Node& n = m.graph.node(nodes[k].second);
    std::printf("  %-36s %-12s %9.3f ms\n", n.name.c_str(), n.op.c_str(), nodes[k].first);
  }
}

void printOursMemory(const OursMeasurement& m) {
  if (m.peakRssKb <= 0) return;
  std::printf("ours:   peak RSS %7.1f MB, before loading the model %7.1f MB, growth %7.1f MB\n",
              double(m.peakRssKb) * kMbPerKb, double(m.rssBeforeLoadKb) * kMbPerKb,
              growthMb(m.rssBeforeLoadKb, m.peakRssKb));
}

void printOrtComparison(const BenchArgs& a, const OursMeasurement& m, const OrtResult& ort,
                        double maxDiff) {
  const double oursMedian = median(m.ms), oursMin = minimum(m.ms);
  const double ortMedian = median(ort.ms), ortMin = minimum(ort.ms);
  const double oursGrowth = growthMb(m.rssBeforeLoadKb, m.peakRssKb);
  const double ortGrowth = growthMb(ort.rssBeforeLoadKb, ort.peakRssKb);
  std::printf("ORT:    median %9.3f ms   min %9.3f ms\n", ortMedian, ortMin);
  if (ort.peakRssKb > 0)
    std::printf(
        "ORT:    peak RSS %7.1f MB, before loading the model %7.1f MB, growth %7.1f MB (node "
        "process)\n",
        double(ort.peakRssKb) * kMbPerKb, double(ort.rssBeforeLoadKb) * kMbPerKb, ortGrowth);
  std::printf("ratio ours/ORT: median %.2f   min %.2f   (max |ours - ORT| = %.3g)\n",
              oursMedian / ortMedian, oursMin / ortMin, maxDiff);
  const double memRatio = ortGrowth > 0 && m.peakRssKb > 0 ? oursGrowth / ortGrowth : 0.0;
  if (memRatio > 0) std::printf("memory ratio ours/ORT (peak RSS growth): %.2f\n", memRatio);
  std::printf(
      "RESULT threads=%d ours_median_ms=%.3f ours_min_ms=%.3f ort_median_ms=%.3f ort_min_ms=%.3f "
      "ratio=%.3f ours_mem_mb=%.1f ort_mem_mb=%.1f mem_ratio=%.2f\n",
      a.threads, oursMedian, oursMin, ortMedian, ortMin, oursMedian / ortMedian, oursGrowth,
      ortGrowth, memRatio);
}

}  // namespace

void printBench(const BenchArgs& a, const OursMeasurement& m, const OrtResult* ort,
                double maxDiff) {
  std::printf("model: %s (%zu nodes, %zu recomputed per iteration)\n", a.model.c_str(),
              m.graph.size(), m.recomputed);
  std::printf(
      "measured: Evaluator::run over the whole graph after re-feeding every input (kernels built "
      "once,\n"
      "          1 warm-up run); ONNX Runtime: session.run only, 1 warm-up run\n");
  std::printf("threads: %d, iterations: %d; fused into Conv: %d BatchNorm, %d activations%s\n",
              a.threads, a.iters, m.folded.foldedBatchNorms, m.folded.fusedActivations,
              a.noFold ? " (--no-fold)" : "");
  std::printf("ours:   median %9.3f ms   min %9.3f ms\n", median(m.ms), minimum(m.ms));
  if (a.profile) printProfile(m, a.iters);
  printOursMemory(m);
  if (ort)
    printOrtComparison(a, m, *ort, maxDiff);
  else
    std::printf("RESULT threads=%d ours_median_ms=%.3f ours_min_ms=%.3f ours_mem_mb=%.1f\n",
                a.threads, median(m.ms), minimum(m.ms), growthMb(m.rssBeforeLoadKb, m.peakRssKb));
}

}  // namespace nc::cli
