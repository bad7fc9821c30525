// Idempotency record payloads (see replay.h).
#include "engine/replay.h"

#include <simdjson.h>

#include "json/json_writer.h"

namespace mc::engine {
namespace {

Status bad_record() {
  return Status(Code::data_loss, "bad_idempotency_record",
                "a stored idempotent result is unreadable");
}

Result<simdjson::dom::element> parse(simdjson::dom::parser& parser, std::string_view text) {
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(text)).get(root) != simdjson::SUCCESS) {
    return bad_record();
  }
  return root;
}

Result<int64_t> int_field(simdjson::dom::element root, const char* key) {
  int64_t value = 0;
  if (root[key].get_int64().get(value) != simdjson::SUCCESS) return bad_record();
  return value;
}

}  // namespace

std::string encode_movement(const MoneyMovement& movement) {
  json::JsonWriter json;
  json.begin_object();
  json.key("transfer_id").value(movement.transfer_id);
  json.key("balance_after_minor").value(movement.balance_after_minor);
  json.end_object();
  return std::move(json).take();
}

Result<MoneyMovement> decode_movement(std::string_view text) {
  simdjson::dom::parser parser;
  MC_TRY_ASSIGN(simdjson::dom::element root, parse(parser, text));
  MoneyMovement movement;
  MC_TRY_ASSIGN(movement.transfer_id, int_field(root, "transfer_id"));
  MC_TRY_ASSIGN(movement.balance_after_minor, int_field(root, "balance_after_minor"));
  movement.replayed = true;
  return movement;
}

std::string encode_outcome(const JobOutcome& outcome) {
  json::JsonWriter json;
  json.begin_object();
  json.key("job_id").value(outcome.job.id);
  json.key("fired").value(outcome.fired);
  json.key("state").value(outcome.job.state);
  json.end_object();
  return std::move(json).take();
}

Result<StoredOutcome> decode_outcome(std::string_view text) {
  simdjson::dom::parser parser;
  MC_TRY_ASSIGN(simdjson::dom::element root, parse(parser, text));
  StoredOutcome stored;
  MC_TRY_ASSIGN(stored.job_id, int_field(root, "job_id"));
  std::string_view fired;
  if (root["fired"].get_string().get(fired) != simdjson::SUCCESS) return bad_record();
  stored.fired = std::string(fired);
  return stored;
}

std::string encode_id(int64_t id) {
  json::JsonWriter json;
  json.begin_object();
  json.key("id").value(id);
  json.end_object();
  return std::move(json).take();
}

Result<int64_t> decode_id(std::string_view text) {
  simdjson::dom::parser parser;
  MC_TRY_ASSIGN(simdjson::dom::element root, parse(parser, text));
  return int_field(root, "id");
}

}  // namespace mc::engine
