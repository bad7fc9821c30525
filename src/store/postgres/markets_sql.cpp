// Markets: name, asset and lifecycle as columns; fee policy, limits, settlement hold, test
// mode, arithmetic bounds and identity uniqueness as one settings JSON document (written by
// JsonWriter, read by simdjson); the dialect's config_json verbatim in its own column.
#include <simdjson.h>

#include <utility>

#include "json/json_writer.h"
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

constexpr std::string_view kMarketColumns =
    "id, name, asset_code, asset_scale, lifecycle, settings_json, config_json, created_at_ms";

std::string encode_settings(const MarketConfig& config) {
  json::JsonWriter json;
  json.begin_object();
  json.key("fees").begin_object();
  json.key("mode").value(static_cast<int64_t>(config.fees.mode));
  json.key("platform_fee_bps").value(int64_t{config.fees.platform_fee_bps});
  json.key("tiers").begin_array();
  for (const FeeTier& tier : config.fees.tiers) {
    json.begin_object();
    json.key("spend_from_minor").value(tier.spend_from_minor);
    json.key("fee_bps").value(int64_t{tier.fee_bps});
    json.end_object();
  }
  json.end_array();
  json.key("tier_boundary_inclusive").value(config.fees.tier_boundary_inclusive);
  json.key("trailing_window_ms").value(config.fees.trailing_window_ms);
  json.key("platform_fee_min_minor").value(config.fees.platform_fee_min_minor);
  json.key("evaluator_fee_bps").value(int64_t{config.fees.evaluator_fee_bps});
  json.key("rounding").value(static_cast<int64_t>(config.fees.rounding));
  json.end_object();
  const JobLimits& limits = config.limits;
  json.key("limits").begin_object();
  json.key("amount_min_minor").value(limits.amount_min_minor);
  json.key("amount_max_minor").value(limits.amount_max_minor);
  json.key("title_chars_max").value(int64_t{limits.title_chars_max});
  json.key("description_chars_max").value(int64_t{limits.description_chars_max});
  json.key("prompt_chars_max").value(int64_t{limits.prompt_chars_max});
  json.key("payload_bytes_max").value(int64_t{limits.payload_bytes_max});
  json.key("categories").begin_array();
  for (const std::string& category : limits.categories) json.value(category);
  json.end_array();
  json.key("work_timeout_min_ms").value(limits.work_timeout_min_ms);
  json.key("work_timeout_max_ms").value(limits.work_timeout_max_ms);
  json.key("contracts_max").value(int64_t{limits.contracts_max});
  json.end_object();
  json.key("settlement_hold_ms").value(config.settlement_hold_ms);
  json.key("test_mode").value(config.test_mode);
  json.key("movement_max_minor").value(config.movement_max_minor);
  json.key("balance_max_minor").value(config.balance_max_minor);
  json.key("unique_email").value(config.unique_email);
  json.key("unique_wallet").value(config.unique_wallet);
  json.key("unique_external_id").value(config.unique_external_id);
  json.end_object();
  return std::move(json).take();
}

// Reads one integer field into `out` (of any integer type); false if missing or not integral.
template <typename T>
bool read_int(simdjson::dom::element object, std::string_view key, T& out) {
  int64_t value = 0;
  if (object[key].get_int64().get(value)) return false;
  out = static_cast<T>(value);
  return true;
}

Status decode_settings(std::string_view text, MarketConfig& config) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element fees;
  simdjson::dom::element limits;
  if (parser.parse(text.data(), text.size()).get(root) || root["fees"].get(fees) ||
      root["limits"].get(limits)) {
    return corrupt("market settings are not the expected JSON");
  }
  FeePolicy& policy = config.fees;
  JobLimits& bounds = config.limits;
  bool ok = read_int(fees, "mode", policy.mode) &&
            read_int(fees, "platform_fee_bps", policy.platform_fee_bps) &&
            !fees["tier_boundary_inclusive"].get_bool().get(policy.tier_boundary_inclusive) &&
            read_int(fees, "trailing_window_ms", policy.trailing_window_ms) &&
            read_int(fees, "platform_fee_min_minor", policy.platform_fee_min_minor) &&
            read_int(fees, "evaluator_fee_bps", policy.evaluator_fee_bps) &&
            read_int(fees, "rounding", policy.rounding) &&
            read_int(limits, "amount_min_minor", bounds.amount_min_minor) &&
            read_int(limits, "amount_max_minor", bounds.amount_max_minor) &&
            read_int(limits, "title_chars_max", bounds.title_chars_max) &&
            read_int(limits, "description_chars_max", bounds.description_chars_max) &&
            read_int(limits, "prompt_chars_max", bounds.prompt_chars_max) &&
            read_int(limits, "payload_bytes_max", bounds.payload_bytes_max) &&
            read_int(limits, "work_timeout_min_ms", bounds.work_timeout_min_ms) &&
            read_int(limits, "work_timeout_max_ms", bounds.work_timeout_max_ms) &&
            read_int(limits, "contracts_max", bounds.contracts_max) &&
            read_int(root, "settlement_hold_ms", config.settlement_hold_ms) &&
            !root["test_mode"].get_bool().get(config.test_mode);
  simdjson::dom::array tiers;
  simdjson::dom::array categories;
  ok = ok && !fees["tiers"].get_array().get(tiers) &&
       !limits["categories"].get_array().get(categories);
  if (!ok) return corrupt("market settings miss a field");
  // Added later: a market stored before them keeps the MarketConfig defaults.
  read_int(root, "movement_max_minor", config.movement_max_minor);
  read_int(root, "balance_max_minor", config.balance_max_minor);
  for (auto [key, flag] : {std::pair{"unique_email", &config.unique_email},
                           std::pair{"unique_wallet", &config.unique_wallet},
                           std::pair{"unique_external_id", &config.unique_external_id}}) {
    bool value = false;
    if (!root[key].get_bool().get(value)) *flag = value;
  }
  for (simdjson::dom::element tier : tiers) {
    FeeTier& out = policy.tiers.emplace_back();
    if (!read_int(tier, "spend_from_minor", out.spend_from_minor) ||
        !read_int(tier, "fee_bps", out.fee_bps)) {
      return corrupt("market fee tier is malformed");
    }
  }
  for (simdjson::dom::element category : categories) {
    std::string_view name;
    if (category.get_string().get(name)) return corrupt("market category is not a string");
    bounds.categories.emplace_back(name);
  }
  return ok_status();
}

Result<Market> read_market(const Statement& s) {
  Market market;
  market.id = s.column_int64(0);
  market.config.name = s.column_text(1);
  market.config.asset.code = s.column_text(2);
  market.config.asset.scale = static_cast<int32_t>(s.column_int64(3));
  market.config.lifecycle = s.column_text(4);
  MC_TRY(decode_settings(s.column_text(5), market.config));
  market.config.config_json = s.column_text(6);
  market.created_at_ms = s.column_int64(7);
  return market;
}

Result<Market> one_market(Connection& connection, std::string_view tail,
                          const std::function<void(Statement&)>& bind) {
  MC_TRY_ASSIGN(Statement stmt, connection.prepare(select_sql(kMarketColumns, "markets", tail)));
  bind(stmt);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("market_not_found", "no such market");
  return read_market(stmt);
}

}  // namespace

Result<Market> PgTransaction::market(MarketId id) {
  if (markets_ != nullptr) {
    if (std::optional<Market> cached = markets_->find(id)) return *std::move(cached);
  }
  MC_TRY_ASSIGN(Market market,
                one_market(connection_, "WHERE id = ?1", [&](Statement& s) { s.bind(1, id); }));
  if (markets_ != nullptr && read_only_) markets_->remember(market);
  return market;
}

Result<Market> PgTransaction::market_by_name(std::string_view name) {
  MC_TRY(lock_key(KeySpace::market_name, 0, name));
  return one_market(connection_, "WHERE name = ?1", [&](Statement& s) { s.bind(1, name); });
}

Result<std::vector<Market>> PgTransaction::markets() {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kMarketColumns, "markets", "ORDER BY id")));
  std::vector<Market> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Market market, read_market(stmt));
    out.push_back(std::move(market));
  }
  return out;
}

Result<MarketId> PgTransaction::insert_market(const MarketConfig& config) {
  if (config.name.empty()) {
    return invalid_argument("market_name_empty", "a market needs a name", "name");
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO markets (name, asset_code, asset_scale, "
                                    "lifecycle, settings_json, config_json, created_at_ms) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING "
                                    "RETURNING id"));
  stmt.bind(1, config.name).bind(2, config.asset.code).bind(3, int64_t{config.asset.scale});
  stmt.bind(4, config.lifecycle).bind(5, encode_settings(config)).bind(6, config.config_json);
  stmt.bind(7, now_ms_);
  MC_TRY_ASSIGN(bool inserted, stmt.step());
  if (!inserted) {
    return Status(Code::already_exists, "market_exists",
                  "a market named '" + config.name + "' exists");
  }
  return stmt.column_int64(0);
}

}  // namespace mc::store::postgres
