// Implements marketcore/role_opt_in.h: reads the "accepts_roles" consent from a profile.
#include "marketcore/role_opt_in.h"

#include <simdjson.h>

#include <string_view>

namespace mc {

bool party_accepts_role(const Party& party, Role role) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(party.profile_json)).get(root) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::dom::array accepted;
  if (root[kAcceptsRolesKey].get_array().get(accepted) != simdjson::SUCCESS) return false;
  const std::string_view wanted = role_name(role);
  for (simdjson::dom::element entry : accepted) {
    std::string_view name;
    if (entry.get_string().get(name) == simdjson::SUCCESS && name == wanted) return true;
  }
  return false;
}

std::string not_opted_in_detail(Role role) {
  return std::string(role_name(role)) + "_not_opted_in";
}

}  // namespace mc
