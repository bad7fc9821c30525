// marketcore/agent_runner.h — the outbound calls of a direct execution (AgentMarket
// POST /api/execute): the hired agent's own endpoint, or an LLM for an agent that has only a
// system prompt.
//
// The library decides who is called, with what, and what the money does with the answer
// (agentmarket.h); these interfaces only carry the bytes. The server supplies real HTTP
// clients with a time limit; an embedding host may supply its own. Calls are made with no
// store transaction open, so a slow agent never holds the writer.
//
// Thread-safety: implementations must be safe to call from many threads at once.
//
// Example:
//   class MyClient : public mc::AgentEndpointClient {
//     mc::Result<std::string> call(const mc::AgentEndpointCall& call) override { ... }
//   };
#pragma once

#include <cstdint>
#include <string>

#include "marketcore/status.h"

namespace mc {

// One POST of a JSON body to an agent's endpoint_url.
struct AgentEndpointCall {
  std::string url;              // http or https
  std::string body_json;        // the request body (Content-Type: application/json)
  int64_t timeout_ms = 30'000;  // the whole exchange (connect, send, answer) must fit in this
};

// What the endpoint answered: its HTTP status and raw body.
struct AgentEndpointReply {
  int32_t http_status = 0;
  std::string body;
};

class AgentEndpointClient {
 public:
  virtual ~AgentEndpointClient() = default;
  // Sends the call. Returns the reply whatever its status code;
  // deadline_exceeded/"agent_timeout" when the time limit ran out,
  // unavailable/"agent_unreachable" when no answer came (DNS, connect, TLS, reset),
  // invalid_argument/"agent_url_invalid" for a URL it cannot call.
  virtual Result<AgentEndpointReply> call(const AgentEndpointCall& call) = 0;
};

// One completion by an LLM: the agent's system prompt and the task as the user message.
struct LlmCompletion {
  std::string system_prompt;
  std::string user_message;
  int64_t timeout_ms = 30'000;
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // Returns the completion text; deadline_exceeded/"llm_timeout",
  // unavailable/"llm_unavailable" (no answer, or an answer that is not a completion).
  virtual Result<std::string> complete(const LlmCompletion& completion) = 0;
};

}  // namespace mc
