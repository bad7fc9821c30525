// server/access_log.cpp — renders access records with the shared JSON writer.
#include "access_log.h"

#include "json/json_writer.h"

namespace mc::server {

std::string AccessLog::render(const AccessRecord& record) {
  json::JsonWriter json;
  json.begin_object();
  json.key("time_ms").value(record.time_ms);
  json.key("request_id").value(record.request_id);
  json.key("remote_ip").value(record.remote_ip);
  json.key("method").value(record.method);
  json.key("path").value(record.path);
  json.key("route").value(record.route);
  json.key("dialect").value(record.dialect);
  json.key("status").value(static_cast<int64_t>(record.status));
  json.key("latency_us").value(record.latency_us);
  json.key("response_bytes").value(record.response_bytes);
  if (!record.principal.empty()) json.key("principal").value(record.principal);
  if (!record.error_detail.empty()) json.key("error").value(record.error_detail);
  if (record.replayed) json.key("idempotent_replayed").value(true);
  json.end_object();
  return std::move(json).take();
}

void AccessLog::write(const AccessRecord& record) {
  if (out_ == nullptr) return;
  std::string line = render(record);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace mc::server
