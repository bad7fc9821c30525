// server/dialects/humanops/http_verifier.cpp — the HTTP Verifier over the Beast client of
// direct execution (same time limit and address policy).
#include "http_verifier.h"

#include <simdjson.h>

#include <cstdlib>
#include <string>

#include "../agentmarket/http_agent_client.h"

namespace mc::server::humanops {
namespace {

class HttpVerifier final : public mc::humanops::Verifier {
 public:
  HttpVerifier(std::string url, int64_t timeout_ms, std::shared_ptr<AgentEndpointClient> client)
      : url_(std::move(url)), timeout_ms_(timeout_ms), client_(std::move(client)) {}

  Result<mc::humanops::GuardianResult> verify(const std::string& task_json) override {
    MC_TRY_ASSIGN(AgentEndpointReply reply,
                  client_->call({.url = url_, .body_json = task_json, .timeout_ms = timeout_ms_}));
    if (reply.http_status < 200 || reply.http_status > 299) {
      return Status(Code::unavailable, "verifier_failed",
                    "the verifier answered HTTP " + std::to_string(reply.http_status));
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    int64_t confidence = -1;
    if (parser.parse(simdjson::padded_string(reply.body)).get(root) != simdjson::SUCCESS ||
        root["confidence"].get_int64().get(confidence) != simdjson::SUCCESS || confidence < 0 ||
        confidence > 100) {
      return Status(Code::unavailable, "verifier_failed",
                    "the verifier's answer has no confidence from 0 to 100");
    }
    mc::humanops::GuardianResult result;
    result.confidence = static_cast<int32_t>(confidence);
    std::string_view text;
    if (root["decision"].get_string().get(text) == simdjson::SUCCESS) result.decision = text;
    if (root["reasoning"].get_string().get(text) == simdjson::SUCCESS) result.reasoning = text;
    return result;
  }

 private:
  std::string url_;
  int64_t timeout_ms_;
  std::shared_ptr<AgentEndpointClient> client_;
};

}  // namespace

std::shared_ptr<mc::humanops::Verifier> make_http_verifier_from_environment(bool test_mode) {
  const char* url = std::getenv("MARKETCORE_HUMANOPS_VERIFIER_URL");
  if (url == nullptr || *url == '\0') return nullptr;
  int64_t timeout_ms = 30'000;
  if (const char* timeout = std::getenv("MARKETCORE_HUMANOPS_VERIFIER_TIMEOUT_MS")) {
    char* end = nullptr;
    const long long value = std::strtoll(timeout, &end, 10);
    if (end != nullptr && *end == '\0' && value > 0) timeout_ms = value;
  }
  return std::make_shared<HttpVerifier>(url, timeout_ms,
                                        agentmarket::make_http_agent_client(test_mode));
}

}  // namespace mc::server::humanops
