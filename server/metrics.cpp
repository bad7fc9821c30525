// server/metrics.cpp — the registry and its Prometheus text rendering.
#include "metrics.h"

#include <cstdio>

namespace mc::server {
namespace {

constexpr const char* kRequests = "marketcore_http_requests_total";
constexpr const char* kLatency = "marketcore_http_request_duration_seconds";

std::string format_number(double value) {
  char buffer[64];
  const int64_t whole = static_cast<int64_t>(value);
  if (static_cast<double>(whole) == value) {
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(whole));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
  }
  return buffer;
}

std::string join_labels(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return "{" + labels + "," + extra + "}";
}

}  // namespace

Metrics::Metrics() {
  declare(kRequests, "counter", "HTTP requests by dialect, route pattern, method and status.");
  declare_histogram(kLatency, "HTTP request latency by dialect and route pattern.",
                    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
}

void Metrics::declare(std::string name, std::string type, std::string help) {
  std::lock_guard lock(mutex_);
  Family& family = families_[std::move(name)];
  family.type = std::move(type);
  family.help = std::move(help);
}

void Metrics::declare_histogram(std::string name, std::string help, std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  Family& family = families_[std::move(name)];
  family.type = "histogram";
  family.help = std::move(help);
  family.buckets = std::move(buckets);
}

void Metrics::add_collector(std::function<void(Metrics&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void Metrics::add(std::string_view name, std::string_view labels, int64_t delta) {
  std::lock_guard lock(mutex_);
  auto found = families_.find(name);
  if (found == families_.end()) return;
  found->second.samples[std::string(labels)] += static_cast<double>(delta);
}

void Metrics::set_gauge(std::string_view name, std::string_view labels, double value) {
  std::lock_guard lock(mutex_);
  auto found = families_.find(name);
  if (found == families_.end()) return;
  found->second.samples[std::string(labels)] = value;
}

void Metrics::observe(std::string_view name, std::string_view labels, double value) {
  std::lock_guard lock(mutex_);
  auto found = families_.find(name);
  if (found == families_.end()) return;
  observe_locked(found->second, std::string(labels), value);
}

void Metrics::observe_locked(Family& family, const std::string& labels, double value) {
  Histogram& histogram = family.histograms[labels];
  if (histogram.bucket_counts.size() != family.buckets.size()) {
    histogram.bucket_counts.assign(family.buckets.size(), 0);
  }
  for (size_t i = 0; i < family.buckets.size(); ++i) {
    if (value <= family.buckets[i]) {
      ++histogram.bucket_counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += value;
}

void Metrics::observe_request(std::string_view dialect, std::string_view route,
                              std::string_view method, int status, int64_t latency_us) {
  const std::string route_labels = label("dialect", dialect) + "," + label("route", route);
  const std::string request_labels =
      route_labels + "," + label("method", method) + "," + label("status", std::to_string(status));
  std::lock_guard lock(mutex_);
  families_.find(kRequests)->second.samples[request_labels] += 1;
  observe_locked(families_.find(kLatency)->second, route_labels,
                 static_cast<double>(latency_us) / 1e6);
}

std::string Metrics::render() {
  std::vector<std::function<void(Metrics&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& collector : collectors) collector(*this);
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, value] : family.samples) {
      out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + format_number(value) + "\n";
    }
    for (const auto& [labels, histogram] : family.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out += name + "_bucket" +
               join_labels(labels, label("le", format_number(family.buckets[i]))) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + join_labels(labels, "le=\"+Inf\"") + " " +
             std::to_string(histogram.count) + "\n";
      const std::string braces = labels.empty() ? "" : "{" + labels + "}";
      out += name + "_sum" + braces + " " + format_number(histogram.sum) + "\n";
      out += name + "_count" + braces + " " + std::to_string(histogram.count) + "\n";
    }
  }
  return out;
}

std::string Metrics::label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace mc::server
