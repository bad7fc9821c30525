// server/dialects/agentmarket/llm_reply.h — the text of an OpenAI-compatible chat completion.
// Kept apart from the coroutine HTTP client (its own translation unit).
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::server::agentmarket {

// choices[0].message.content of a chat-completions answer; unavailable/"llm_unavailable"
// for anything else.
Result<std::string> chat_completion_text(std::string_view body);

}  // namespace mc::server::agentmarket
