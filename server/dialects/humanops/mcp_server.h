// server/dialects/humanops/mcp_server.h — the HumanOps MCP server (Model Context Protocol,
// JSON-RPC 2.0): the seed's 13 tools over mc::humanops::Service, for one agent per call.
//
// Transports: streamable HTTP (POST a JSON-RPC message to /humanops/mcp with the agent's API
// key in X-API-Key or Authorization: Bearer; the answer is application/json, notifications
// get 202) and stdio (`marketcore-server --mcp-stdio`, one message per line, the key in
// HUMANOPS_API_KEY). Stateless: no session id. Tool errors are results with isError and the
// dialect's message; unknown methods and malformed messages are JSON-RPC errors.
//
// Credentials: dispatch_credential_task makes the P-256 key pair here and returns the private
// key to the MCP client. retrieve_credential decrypts here only with a private key this MCP
// process keeps (stdio: the process the user runs) or one passed as `private_key`; the HTTP
// transport keeps none, so without `private_key` it returns the ciphertext unchanged.
//
// Thread-safety: handle() may be called from many threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "marketcore/humanops.h"

namespace mc::server::humanops {

class McpServer {
 public:
  // `keep_private_keys`: remember dispatch_credential_task's private keys (stdio only).
  McpServer(std::shared_ptr<mc::humanops::Service> service, Engine& engine, bool keep_private_keys);

  // The answer to one JSON-RPC message from `agent`, or nullopt for a notification.
  std::optional<std::string> handle(std::string_view message, PartyId agent);
  // JSON-RPC error answer for a message that could not be attributed (parse error).
  static std::string parse_error();

 private:
  Result<std::string> call_tool(std::string_view name, const std::string& arguments_json,
                                PartyId agent);

  std::shared_ptr<mc::humanops::Service> service_;
  Engine& engine_;
  bool keep_private_keys_;
  std::mutex keys_mutex_;
  std::map<std::string, std::string> private_keys_;  // task_id → PKCS#8 base64
};

}  // namespace mc::server::humanops
