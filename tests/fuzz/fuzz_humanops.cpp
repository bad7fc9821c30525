// Fuzzes the HumanOps dialect's request decoding: the multipart upload parser, the task
// payload reader and the creation guard (check_task) over every task type. The first byte
// picks the task type; the rest is the payload and, framed by a fixed boundary, an upload.
// Every input is decoded or refused with invalid_argument; a decoded file is part of the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dialects/humanops/multipart.h"
#include "marketcore/humanops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& types = mc::humanops::task_types();
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  mc::Job job;
  job.category = std::string(types[data[0] % types.size()].name);
  job.amount_minor = 1000 + data[0];
  job.deadline_at_ms = 1;
  job.payload_json = std::string(input);
  const mc::Status checked = mc::humanops::check_task(job, std::nullopt, {});
  if (!checked.ok() && checked.code() != mc::Code::invalid_argument) __builtin_trap();
  const mc::humanops::TaskFields fields = mc::humanops::task_fields(job);
  if (fields.task_domain.empty() || fields.proof_type.empty()) __builtin_trap();

  const mc::Result<mc::server::humanops::FormFile> file =
      mc::server::humanops::multipart_file("multipart/form-data; boundary=XyZ", input, "file");
  if (file.ok() && input.find(file->content) == std::string_view::npos) __builtin_trap();
  if (!file.ok() && file.status().code() != mc::Code::invalid_argument) __builtin_trap();
  return 0;
}
