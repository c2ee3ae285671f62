#pragma once
// Evaluation off the UI thread. schedule() snapshots the graph (a cheap copy: tensors share
// storage) and hands it to a worker thread that runs one nc::Evaluator, kept across runs so that
// only stale nodes recompute. A newer schedule() cancels the running evaluation (through
// EvalOptions::cancelled) and restarts on the newest snapshot. Results (per-port tensors for
// previews, errors, which nodes were recomputed) come back to the UI thread by queued calls;
// the UI never waits on evaluation except through waitForIdle() (tests, --screenshot).
#include <QObject>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/eval/evaluator.h"

namespace ncui {

class EvalService : public QObject {
  Q_OBJECT
 public:
  explicit EvalService(QObject* parent = nullptr);
  ~EvalService() override;

  void schedule(const nc::Graph& g);
  // Cancels the running evaluation and drops any pending one.
  void cancel();
  // Forget all cached results (the next run recomputes everything).
  void reset();
  // Something is pending, running, or its results are not delivered yet.
  bool busy() const { return delivered_ != scheduled_; }
  // Processes events until the newest scheduled evaluation was delivered; false on timeout.
  bool waitForIdle(int timeoutMs = 60000);

  // Results of the last completed evaluation.
  const nc::Tensor* output(nc::PortRef p) const;
  const nc::EvalReport& lastReport() const { return report_; }
  // Bumped whenever a node's outputs change (recomputed, failed, removed); 0 = never computed.
  quint64 nodeVersion(nc::NodeId id) const;
  double lastMilliseconds() const { return ms_; }
  quint64 completedRuns() const { return runs_; }

 Q_SIGNALS:
  void started();
  void progress(int done, int total);
  void finished();   // new results are available
  void cancelled();  // cancel() stopped a run

 private:
  struct Result;
  void workerLoop();
  void deliver(std::shared_ptr<Result> r);

  // Worker side.
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unique_ptr<nc::Graph> pending_;
  quint64 pendingGen_ = 0;
  bool stop_ = false;
  bool reset_ = false;
  std::atomic<bool> cancel_{false};
  nc::Evaluator evaluator_;  // touched only by the worker

  // UI side.
  quint64 scheduled_ = 0, delivered_ = 0;
  std::map<nc::PortRef, nc::Tensor> outputs_;
  std::map<nc::NodeId, quint64> versions_;
  quint64 versionCounter_ = 0;
  nc::EvalReport report_;
  double ms_ = 0;
  quint64 runs_ = 0;
};

}  // namespace ncui
