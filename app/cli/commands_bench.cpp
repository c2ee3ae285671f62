// bench: its options, and the order of the work (threads, our runs, ONNX Runtime's, the report).
#include <omp.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "app/cli/bench.h"
#include "app/cli/commands.h"

namespace nc::cli {

namespace {

int runBench(const BenchArgs& a) {
  // oneDNN (Debian's build) runs on OpenMP; set both before any kernel runs.
  setenv("OMP_NUM_THREADS", std::to_string(a.threads).c_str(), 1);
  omp_set_num_threads(a.threads);
  OursMeasurement ours = measureOurs(a);
  if (!a.ort) {
    printBench(a, ours, nullptr, 0);
    return 0;
  }
  OrtResult ort = measureOrt(a, ours);
  printBench(a, ours, &ort, maxDifference(ours.outputs, ort.outputs));
  return 0;
}

}  // namespace

Command addBenchCommand(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* sub =
      app.add_subcommand("bench", "Time full re-evaluations of a model (and ONNX Runtime's)");
  sub->add_option("MODEL", a->model, "the ONNX model (.onnx) or project (.ncproj) to time")
      ->required()
      ->type_name("");
  addDataOption(*sub, a->dataDir);
  sub->add_option("--iters", a->iters, "timed iterations after one warm-up run")
      ->transform(integerIn(1, 1000000))
      ->type_name("N")
      ->capture_default_str();
  sub->add_option("--threads", a->threads, "threads for oneDNN/OpenMP (and ONNX Runtime)")
      ->transform(integerIn(1, 1024))
      ->type_name("T")
      ->capture_default_str();
  sub->add_flag("--ort", a->ort, "also time ONNX Runtime and print the ratios ours/ORT");
  sub->add_flag("--no-fold", a->noFold, "time the graph as it is, without fusing into the Conv");
  sub->add_flag("--keep", a->keep, "the editor's mode: keep every value, in NCHW");
  sub->add_flag("--profile", a->profile, "add kernel time per op type and the slowest nodes");
  sub->footer(
      "Prints the median and min time of a full re-evaluation, with BatchNorm and activations\n"
      "fused into the Conv before them as ONNX Runtime does, in inference mode: activations in\n"
      "oneDNN's blocked layout between ops, intermediates freed after their last reader.\n"
      "Memory: peak resident set after the runs minus the resident set before loading; with\n"
      "--ort likewise for ONNX Runtime's node process, which gets the same inputs and threads.");
  return {sub, [a] { return runBench(*a); }};
}

}  // namespace nc::cli
