#include "ui/eval_service.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <chrono>
#include <set>

namespace ncui {

struct EvalService::Result {
  quint64 generation = 0;
  bool cancelled = false;
  std::map<nc::PortRef, nc::Tensor> outputs;
  nc::EvalReport report;
  double ms = 0;
};

EvalService::EvalService(QObject* parent) : QObject(parent) {
  worker_ = std::thread([this] { workerLoop(); });
}

EvalService::~EvalService() {
  {
    std::lock_guard<std::mutex> lk(mutex_);
    stop_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void EvalService::schedule(const nc::Graph& g) {
  auto snapshot = std::make_unique<nc::Graph>(g);
  {
    std::lock_guard<std::mutex> lk(mutex_);
    pending_ = std::move(snapshot);
    pendingGen_ = ++scheduled_;
    cancel_ = true;  // a running evaluation is outdated
  }
  cv_.notify_all();
}

void EvalService::cancel() {
  quint64 gen;
  {
    std::lock_guard<std::mutex> lk(mutex_);
    pending_.reset();
    cancel_ = true;
    gen = scheduled_;
  }
  // Whatever was scheduled will not be delivered: nothing is outstanding any more.
  delivered_ = gen;
  Q_EMIT cancelled();
}

void EvalService::reset() {
  std::lock_guard<std::mutex> lk(mutex_);
  reset_ = true;
}

bool EvalService::waitForIdle(int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (busy()) {
    if (t.elapsed() > timeoutMs) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (busy()) QThread::msleep(1);
  }
  return true;
}

const nc::Tensor* EvalService::output(nc::PortRef p) const {
  auto it = outputs_.find(p);
  return it == outputs_.end() ? nullptr : &it->second;
}

quint64 EvalService::nodeVersion(nc::NodeId id) const {
  auto it = versions_.find(id);
  return it == versions_.end() ? 0 : it->second;
}

void EvalService::workerLoop() {
  for (;;) {
    std::unique_ptr<nc::Graph> g;
    quint64 gen;
    {
      std::unique_lock<std::mutex> lk(mutex_);
      cv_.wait(lk, [&] { return stop_ || pending_; });
      if (stop_) return;
      g = std::move(pending_);
      gen = pendingGen_;
      cancel_ = false;
      if (reset_) {
        evaluator_.reset();
        reset_ = false;
      }
    }
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT started(); }, Qt::QueuedConnection);
    auto t0 = std::chrono::steady_clock::now();
    auto lastProgress = t0;
    nc::EvalOptions opt;
    opt.cancelled = [this] { return cancel_.load(); };
    opt.progress = [&](size_t done, size_t total) {
      auto now = std::chrono::steady_clock::now();
      if (now - lastProgress < std::chrono::milliseconds(30) && done != total) return;
      lastProgress = now;
      QMetaObject::invokeMethod(
          this, [this, done, total] { Q_EMIT progress(int(done), int(total)); },
          Qt::QueuedConnection);
    };
    auto r = std::make_shared<Result>();
    r->generation = gen;
    r->report = evaluator_.run(*g, opt);
    if (r->report.cancelled) {
      // Cancelled by a newer snapshot (picked up on the next iteration) or by cancel(): the
      // evaluator keeps whatever it finished, so the restart only computes the rest.
      continue;
    }
    for (nc::NodeId id : g->nodeIds()) {
      const nc::Node& n = g->node(id);
      for (int p = 0; p < n.numOutputs; ++p)
        if (const nc::Tensor* t = evaluator_.output({id, p}))
          r->outputs.emplace(nc::PortRef{id, p}, *t);
    }
    r->ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    QMetaObject::invokeMethod(
        this, [this, r] { deliver(r); }, Qt::QueuedConnection);
  }
}

void EvalService::deliver(std::shared_ptr<Result> r) {
  // An older result still updates previews (it is correct for its snapshot), but the service
  // stays busy until the newest one arrives.
  if (r->generation < delivered_) return;
  // A node's version changes whenever what it shows changes: a new output tensor (recomputed
  // now, or by an earlier run that was cancelled before delivering), a lost output (removed,
  // or now downstream of a failure), or an error.
  std::set<nc::NodeId> changed;
  for (const auto& [port, t] : r->outputs) {
    auto old = outputs_.find(port);
    if (old == outputs_.end() || !old->second.sharesStorageWith(t)) changed.insert(port.node);
  }
  for (const auto& [port, t] : outputs_)
    if (!r->outputs.count(port)) changed.insert(port.node);
  for (nc::NodeId id : r->report.recomputed) changed.insert(id);
  for (const nc::Diagnostic& d : r->report.errors) changed.insert(d.node);
  for (nc::NodeId id : changed) versions_[id] = ++versionCounter_;
  outputs_ = std::move(r->outputs);
  report_ = std::move(r->report);
  ms_ = r->ms;
  ++runs_;
  delivered_ = std::max(delivered_, r->generation);
  Q_EMIT finished();
}

}  // namespace ncui
