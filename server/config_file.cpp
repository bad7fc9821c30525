// server/config_file.cpp — reads the TOML config file with toml++ (exceptions caught here).
#include <toml++/toml.h>

#include "config.h"

namespace mc::server {
namespace {

Status bad_key(std::string_view source, std::string_view key, std::string message) {
  return invalid_argument("bad_config",
                          std::string(source) + ": " + std::string(key) + ": " + message,
                          std::string(key));
}

Status read_server_table(const toml::table& table, std::string_view source, ServerConfig& config) {
  struct IntKey {
    const char* name;
    int64_t* target;
    int64_t min;
    int64_t max;
  };
  int64_t io_threads = config.io_threads;
  int64_t handler_threads = config.handler_threads;
  int64_t in_flight = config.requests_in_flight_max;
  int64_t connections = config.connections_max;
  int64_t outbound = config.outbound_calls_max;
  int64_t outbound_per_principal = config.outbound_calls_per_principal;
  const IntKey keys[] = {
      {"io_threads", &io_threads, 0, 1024},
      {"handler_threads", &handler_threads, 0, 4096},
      {"body_bytes_max", &config.body_bytes_max, 1024, 1LL << 30},
      {"header_bytes_max", &config.header_bytes_max, 1024, 1 << 20},
      {"read_timeout_ms", &config.read_timeout_ms, 100, 3'600'000},
      {"idle_timeout_ms", &config.idle_timeout_ms, 100, 3'600'000},
      {"shutdown_grace_ms", &config.shutdown_grace_ms, 0, 3'600'000},
      {"requests_in_flight_max", &in_flight, 1, 1'000'000},
      {"connections_max", &connections, 1, 1'000'000},
      {"outbound_calls_max", &outbound, 1, 4096},
      {"outbound_calls_per_principal", &outbound_per_principal, 1, 4096},
  };
  for (const auto& [name, node] : table) {
    bool known = false;
    for (const IntKey& key : keys) {
      if (name.str() != key.name) continue;
      known = true;
      const auto value = node.value<int64_t>();
      if (!value || *value < key.min || *value > key.max) {
        return bad_key(source, "server." + std::string(name.str()),
                       "expected an integer from " + std::to_string(key.min) + " to " +
                           std::to_string(key.max));
      }
      *key.target = *value;
    }
    if (!known) return bad_key(source, "server." + std::string(name.str()), "unknown key");
  }
  config.io_threads = static_cast<int32_t>(io_threads);
  config.handler_threads = static_cast<int32_t>(handler_threads);
  config.requests_in_flight_max = static_cast<int32_t>(in_flight);
  config.connections_max = static_cast<int32_t>(connections);
  config.outbound_calls_max = static_cast<int32_t>(outbound);
  config.outbound_calls_per_principal = static_cast<int32_t>(outbound_per_principal);
  return ok_status();
}

Status read_rate_limits(const toml::table& table, std::string_view source, ServerConfig& config) {
  for (const auto& [name, node] : table) {
    const toml::table* rule_table = node.as_table();
    const std::string key = "rate_limits." + std::string(name.str());
    if (rule_table == nullptr) return bad_key(source, key, "expected a table");
    RateLimitRule rule;
    const auto requests = (*rule_table)["requests"].value<int64_t>();
    const auto window_s = (*rule_table)["window_s"].value_or<int64_t>(60);
    if (!requests || *requests < 0) return bad_key(source, key, "requests must be ≥ 0");
    if (window_s < 1 || window_s > 86'400) return bad_key(source, key, "window_s from 1 to 86400");
    rule.requests = *requests;
    rule.window_ms = window_s * 1000;
    if (auto text = (*rule_table)["key"].value<std::string>()) {
      if (!parse_rate_limit_key(*text, rule.key)) {
        return bad_key(source, key, "key must be ip, ip_path or principal");
      }
    }
    config.rate_limits[std::string(name.str())] = rule;
  }
  return ok_status();
}

Status apply_table(const toml::table& root, std::string_view source, ServerConfig& config) {
  for (const auto& [name, node] : root) {
    const std::string_view key = name.str();
    if (key == "listen" || key == "database" || key == "mode" || key == "admin_key" ||
        key == "durability") {
      const auto text = node.value<std::string>();
      if (!text) return bad_key(source, key, "expected a string");
      if (key == "listen") MC_TRY(parse_listen(*text, config));
      if (key == "database") config.database_path = *text;
      if (key == "admin_key") config.admin_key = *text;
      if (key == "mode") {
        if (*text != "test" && *text != "production") {
          return bad_key(source, key, "expected test or production");
        }
        config.test_mode = *text == "test";
      }
      if (key == "durability") {
        if (*text != "full" && *text != "normal") return bad_key(source, key, "full or normal");
        config.durability_full = *text == "full";
      }
    } else if (key == "access_log" || key == "verify_ledger") {
      const auto flag = node.value<bool>();
      if (!flag) return bad_key(source, key, "expected true or false");
      (key == "access_log" ? config.access_log : config.verify_ledger) = *flag;
    } else if (key == "markets") {
      const toml::array* array = node.as_array();
      if (array == nullptr) return bad_key(source, key, "expected an array of names");
      config.markets.clear();
      for (const auto& item : *array) {
        const auto text = item.value<std::string>();
        if (!text) return bad_key(source, key, "expected an array of names");
        config.markets.push_back(*text);
      }
    } else if (key == "server") {
      if (!node.is_table()) return bad_key(source, key, "expected a table");
      MC_TRY(read_server_table(*node.as_table(), source, config));
    } else if (key == "rate_limits") {
      if (!node.is_table()) return bad_key(source, key, "expected a table");
      MC_TRY(read_rate_limits(*node.as_table(), source, config));
    } else if (key == "dialects") {
      const toml::array* array = node.as_array();
      if (array == nullptr) return bad_key(source, key, "expected [[dialects]] tables");
      config.dialects.clear();
      for (const auto& item : *array) {
        const toml::table* entry = item.as_table();
        if (entry == nullptr) return bad_key(source, key, "expected [[dialects]] tables");
        const auto dialect_name = (*entry)["name"].value<std::string>();
        if (!dialect_name) return bad_key(source, "dialects.name", "required");
        config.dialects.push_back(
            {*dialect_name, (*entry)["prefix"].value_or<std::string>(std::string())});
      }
    } else {
      return bad_key(source, key, "unknown key");
    }
  }
  return ok_status();
}

}  // namespace

Status apply_config_toml(std::string_view toml_text, std::string_view source,
                         ServerConfig& config) {
  try {
    const toml::table root = toml::parse(toml_text, source);
    return apply_table(root, source, config);
  } catch (const toml::parse_error& error) {
    return invalid_argument("bad_config",
                            std::string(source) + ": " + std::string(error.description()));
  } catch (const std::exception& error) {
    return invalid_argument("bad_config", std::string(source) + ": " + error.what());
  }
}

}  // namespace mc::server
