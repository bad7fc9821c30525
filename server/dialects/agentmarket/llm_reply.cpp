// server/dialects/agentmarket/llm_reply.cpp — reads a chat completion's text.
#include "llm_reply.h"

#include <simdjson.h>

namespace mc::server::agentmarket {

Result<std::string> chat_completion_text(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view text;
  if (parser.parse(simdjson::padded_string(body)).get(root) != simdjson::SUCCESS ||
      root.at_pointer("/choices/0/message/content").get_string().get(text) != simdjson::SUCCESS) {
    return Status(Code::unavailable, "llm_unavailable",
                  "The LLM endpoint did not return a chat completion");
  }
  return std::string(text);
}

}  // namespace mc::server::agentmarket
