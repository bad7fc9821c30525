// server/metrics.h — Prometheus text metrics: requests, latency, and what components report.
//
// Built in: marketcore_http_requests_total{dialect,route,method,status} and the latency
// histogram marketcore_http_request_duration_seconds{dialect,route}. Other components
// (the store's commit batches, the outbox delivery) report through the generic counter,
// gauge and histogram calls below, or register a collector that runs at scrape time; every
// family is declared with its HELP text first so /metrics shows it even before its first
// sample. Label values are escaped per the text exposition format.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mc::server {

class Metrics {
 public:
  Metrics();

  // Declares a family (type "counter", "gauge" or "histogram"); idempotent.
  void declare(std::string name, std::string type, std::string help);
  // Adds `delta` to a counter sample. `labels` is the rendered label set, e.g.
  // R"(kind="timeout")", or empty.
  void add(std::string_view name, std::string_view labels, int64_t delta);
  void set_gauge(std::string_view name, std::string_view labels, double value);
  // Records one observation in a histogram family declared with `buckets`.
  void observe(std::string_view name, std::string_view labels, double value);
  void declare_histogram(std::string name, std::string help, std::vector<double> buckets);
  // Runs at every scrape, before rendering (e.g. to set a lag gauge).
  void add_collector(std::function<void(Metrics&)> collector);

  // One finished HTTP request.
  void observe_request(std::string_view dialect, std::string_view route, std::string_view method,
                       int status, int64_t latency_us);

  // The text exposition (version 0.0.4).
  std::string render();

  // `name="value"` with the value escaped.
  static std::string label(std::string_view name, std::string_view value);

 private:
  struct Histogram {
    std::vector<uint64_t> bucket_counts;  // cumulative at render time, not here
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string type;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, double> samples;  // labels → value (counters and gauges)
    std::map<std::string, Histogram> histograms;
  };
  void observe_locked(Family& family, const std::string& labels, double value);

  std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::function<void(Metrics&)>> collectors_;
};

}  // namespace mc::server
