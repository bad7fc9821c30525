// server/dialects/agentmarket/http_agent_client.h — the real HTTP side of direct execution:
// an AgentEndpointClient (POST JSON to an agent's endpoint_url) and an LlmClient for an
// OpenAI-compatible chat-completions endpoint, both over Boost.Beast with a hard time limit
// on the whole exchange (resolve, connect, TLS, send, answer). http and https; an agent
// endpoint is contacted only at addresses the webhook URL policy allows (public, or loopback in
// test mode), checked on the addresses actually resolved. The LLM URL is the operator's own
// configuration: https to any resolved address, or http on loopback.
//
// The LLM endpoint is configured by the environment (so no secret is on the command line):
//   MARKETCORE_AGENTMARKET_LLM_URL      e.g. http://127.0.0.1:9000/v1/chat/completions
//   MARKETCORE_AGENTMARKET_LLM_MODEL    sent as "model" (default "default")
//   MARKETCORE_AGENTMARKET_LLM_API_KEY  sent as Authorization: Bearer, when set
// Without a URL there is no LLM client and system-prompt-only agents are refused.
//
// Thread-safety: both clients are stateless per call and safe from many threads.
#pragma once

#include <memory>
#include <string>

#include "marketcore/agent_runner.h"

namespace mc::server::agentmarket {

// `test_mode`: loopback endpoints allowed (the webhook URL policy of the market).
std::shared_ptr<AgentEndpointClient> make_http_agent_client(bool test_mode);
// nullptr when MARKETCORE_AGENTMARKET_LLM_URL is unset.
std::shared_ptr<LlmClient> make_llm_client_from_environment();

}  // namespace mc::server::agentmarket
