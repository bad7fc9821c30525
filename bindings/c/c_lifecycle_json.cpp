// Lifecycle definitions and enumerators as JSON (see c_lifecycle_json.h). The name tables
// below follow the enumerators of marketcore/lifecycle.h, ledger.h, fees.h and money.h; a
// value without a row renders as "unknown" and would fail the round-trip test.
#include "c_lifecycle_json.h"

#include <cstddef>

#include "c_json_in.h"
#include "json/json_writer.h"

namespace mc::c_api {
namespace {

template <typename E>
struct Name {
  E value;
  const char* name;
};

constexpr Name<Role> kRoles[] = {{Role::poster, "poster"},       {Role::worker, "worker"},
                                 {Role::evaluator, "evaluator"}, {Role::candidate, "candidate"},
                                 {Role::judge, "judge"},         {Role::system, "system"},
                                 {Role::platform, "platform"},   {Role::anyone, "anyone"}};

constexpr Name<GuardKind> kGuardKinds[] = {
    {GuardKind::before_deadline, "before_deadline"},
    {GuardKind::after_deadline, "after_deadline"},
    {GuardKind::before_expiry, "before_expiry"},
    {GuardKind::confidence_at_least, "confidence_at_least"},
    {GuardKind::confidence_below, "confidence_below"},
    {GuardKind::contracts_available, "contracts_available"},
    {GuardKind::actor_kyc_verified, "actor_kyc_verified"},
    {GuardKind::actor_has_capability, "actor_has_capability"},
    {GuardKind::actor_reputation_at_least, "actor_reputation_at_least"},
    {GuardKind::no_active_children, "no_active_children"},
    {GuardKind::custom, "custom"},
    {GuardKind::party_opted_into_role, "party_opted_into_role"},
    {GuardKind::parent_in_state, "parent_in_state"},
    {GuardKind::actor_tier_allows_amount, "actor_tier_allows_amount"}};

constexpr Name<EffectKind> kEffectKinds[] = {
    {EffectKind::fund_escrow, "fund_escrow"},
    {EffectKind::pay_worker, "pay_worker"},
    {EffectKind::refund_poster, "refund_poster"},
    {EffectKind::draw_from_parent, "draw_from_parent"},
    {EffectKind::lock_stake, "lock_stake"},
    {EffectKind::release_stakes, "release_stakes"},
    {EffectKind::slash_stake, "slash_stake"},
    {EffectKind::take_dispute_deposit, "take_dispute_deposit"},
    {EffectKind::settle_dispute_deposit, "settle_dispute_deposit"},
    {EffectKind::award_dispute_deposit, "award_dispute_deposit"}};

constexpr Name<Record> kRecords[] = {{Record::worker, "worker"},
                                     {Record::result, "result"},
                                     {Record::proof, "proof"},
                                     {Record::verdict, "verdict"},
                                     {Record::clear_worker, "clear_worker"},
                                     {Record::take_contract, "take_contract"},
                                     {Record::release_contract, "release_contract"},
                                     {Record::worker_from_request, "worker_from_request"}};

constexpr Name<TimerBase> kTimerBases[] = {{TimerBase::entered_state, "entered_state"},
                                           {TimerBase::work_timeout, "work_timeout"},
                                           {TimerBase::deadline, "deadline"},
                                           {TimerBase::submitted, "submitted"}};

constexpr Name<JobField> kJobFields[] = {
    {JobField::prompt, "prompt"},   {JobField::description, "description"},
    {JobField::result, "result"},   {JobField::proof, "proof"},
    {JobField::verdict, "verdict"}, {JobField::payload, "payload"}};

constexpr Name<AccountKind> kAccountKinds[] = {
    {AccountKind::world, "world"},         {AccountKind::platform, "platform"},
    {AccountKind::available, "available"}, {AccountKind::promo, "promo"},
    {AccountKind::pending, "pending"},     {AccountKind::stake, "stake"},
    {AccountKind::hold, "hold"},           {AccountKind::evaluator, "evaluator"}};

constexpr Name<FeeMode> kFeeModes[] = {{FeeMode::fee_on_top, "fee_on_top"},
                                       {FeeMode::fee_deducted, "fee_deducted"}};

constexpr Name<Rounding> kRoundings[] = {
    {Rounding::down, "down"}, {Rounding::up, "up"}, {Rounding::half_up, "half_up"}};

template <typename E, size_t N>
Result<E> from_name(const Name<E> (&table)[N], std::string_view name, const std::string& param) {
  for (const Name<E>& row : table) {
    if (name == row.name) return row.value;
  }
  std::string names;
  for (const Name<E>& row : table) names += (names.empty() ? "" : ", ") + std::string(row.name);
  return invalid_argument(
      "invalid_value",
      param + ": unknown name \"" + std::string(name) + "\" (one of " + names + ")", param);
}

template <typename E, size_t N>
const char* to_name(const Name<E> (&table)[N], E value) {
  for (const Name<E>& row : table) {
    if (row.value == value) return row.name;
  }
  return "unknown";
}

template <typename E, size_t N>
Status read_name(JsonIn& in, std::string_view key, const Name<E> (&table)[N], E& out) {
  std::optional<std::string> name;
  MC_TRY(in.text(key, name));
  if (name) {
    MC_TRY_ASSIGN(out, from_name(table, *name, in.param(key)));
  }
  return ok_status();
}

template <typename E, size_t N>
Status read_names(JsonIn& in, std::string_view key, const Name<E> (&table)[N],
                  std::vector<E>& out) {
  return in.elements(key, [&](simdjson::dom::element item, const std::string& path) -> Status {
    std::string_view name;
    if (item.get_string().get(name) != simdjson::SUCCESS) return wrong_type(path, "a string");
    MC_TRY_ASSIGN(E value, from_name(table, name, path));
    out.push_back(value);
    return ok_status();
  });
}

template <typename E, size_t N>
void write_names(json::JsonWriter& json, std::string_view key, const Name<E> (&table)[N],
                 const std::vector<E>& values) {
  json.key(key).begin_array();
  for (E value : values) json.value(to_name(table, value));
  json.end_array();
}

void write_texts(json::JsonWriter& json, std::string_view key,
                 const std::vector<std::string>& values) {
  json.key(key).begin_array();
  for (const std::string& value : values) json.value(value);
  json.end_array();
}

Status read_guard(JsonIn& in, Guard& guard) {
  MC_TRY(in.require({"kind"}));
  MC_TRY(read_name(in, "kind", kGuardKinds, guard.kind));
  MC_TRY(in.integer("value", guard.value));
  MC_TRY(in.text("name", guard.name));
  return read_name(in, "role", kRoles, guard.role);
}

Status read_effect(JsonIn& in, Effect& effect) {
  MC_TRY(in.require({"kind"}));
  MC_TRY(read_name(in, "kind", kEffectKinds, effect.kind));
  MC_TRY(read_name(in, "role", kRoles, effect.role));
  MC_TRY(read_name(in, "beneficiary", kRoles, effect.beneficiary));
  MC_TRY(in.integer("bps", effect.bps));
  MC_TRY(in.integer("fixed_minor", effect.fixed_minor));
  return in.flag("to_payer", effect.to_payer);
}

Status read_transition(JsonIn& in, TransitionDef& transition) {
  MC_TRY(in.require({"name", "to"}));
  MC_TRY(in.text("name", transition.name));
  MC_TRY(in.texts("from", transition.from));
  MC_TRY(in.text("to", transition.to));
  MC_TRY(read_names(in, "roles", kRoles, transition.roles));
  MC_TRY(in.elements("guards", [&](simdjson::dom::element item, const std::string& path) {
    return read_element(item, path, [&](JsonIn& guard_in) {
      return read_guard(guard_in, transition.guards.emplace_back());
    });
  }));
  MC_TRY(in.elements("effects", [&](simdjson::dom::element item, const std::string& path) {
    return read_element(item, path, [&](JsonIn& effect_in) {
      return read_effect(effect_in, transition.effects.emplace_back());
    });
  }));
  MC_TRY(read_names(in, "records", kRecords, transition.records));
  MC_TRY(in.texts("events", transition.events));
  return in.text("group", transition.group);
}

Status read_state(simdjson::dom::element item, const std::string& path, StateDef& state) {
  std::string_view name;
  if (item.get_string().get(name) == simdjson::SUCCESS) {
    state.name = std::string(name);
    return ok_status();
  }
  return read_element(item, path, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"name"}));
    MC_TRY(in.text("name", state.name));
    return in.flag("terminal", state.terminal);
  });
}

Status read_timer(JsonIn& in, TimerDef& timer) {
  MC_TRY(in.require({"state", "transition"}));
  MC_TRY(in.text("state", timer.state));
  MC_TRY(in.text("transition", timer.transition));
  MC_TRY(read_name(in, "base", kTimerBases, timer.base));
  return in.integer("after_ms", timer.after_ms);
}

Status read_visibility(JsonIn& in, FieldVisibility& visibility) {
  MC_TRY(in.require({"field"}));
  MC_TRY(read_name(in, "field", kJobFields, visibility.field));
  MC_TRY(read_names(in, "full_view", kRoles, visibility.full_view));
  return in.integer("preview_chars", visibility.preview_chars);
}

void write_transition(json::JsonWriter& json, const TransitionDef& transition) {
  json.begin_object();
  json.key("name").value(transition.name);
  write_texts(json, "from", transition.from);
  json.key("to").value(transition.to);
  write_names(json, "roles", kRoles, transition.roles);
  json.key("guards").begin_array();
  for (const Guard& guard : transition.guards) {
    json.begin_object();
    json.key("kind").value(to_name(kGuardKinds, guard.kind));
    json.key("value").value(guard.value);
    json.key("name").value(guard.name);
    json.key("role").value(to_name(kRoles, guard.role));
    json.end_object();
  }
  json.end_array();
  json.key("effects").begin_array();
  for (const Effect& effect : transition.effects) {
    json.begin_object();
    json.key("kind").value(to_name(kEffectKinds, effect.kind));
    json.key("role").value(to_name(kRoles, effect.role));
    json.key("beneficiary").value(to_name(kRoles, effect.beneficiary));
    json.key("bps").value(effect.bps);
    json.key("fixed_minor").value(effect.fixed_minor);
    json.key("to_payer").value(effect.to_payer);
    json.end_object();
  }
  json.end_array();
  write_names(json, "records", kRecords, transition.records);
  write_texts(json, "events", transition.events);
  json.key("group").value(transition.group);
  json.end_object();
}

}  // namespace

Result<AccountKind> account_kind_from_name(std::string_view name, const std::string& param) {
  return from_name(kAccountKinds, name, param);
}
Result<FeeMode> fee_mode_from_name(std::string_view name, const std::string& param) {
  return from_name(kFeeModes, name, param);
}
Result<Rounding> rounding_from_name(std::string_view name, const std::string& param) {
  return from_name(kRoundings, name, param);
}
const char* fee_mode_name(FeeMode mode) {
  return to_name(kFeeModes, mode);
}
const char* rounding_name(Rounding rounding) {
  return to_name(kRoundings, rounding);
}

Result<LifecycleDefinition> parse_lifecycle(std::string_view text) {
  LifecycleDefinition definition;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"name", "states", "creation"}));
    MC_TRY(in.text("name", definition.name));
    MC_TRY(in.elements("states", [&](simdjson::dom::element item, const std::string& path) {
      return read_state(item, path, definition.states.emplace_back());
    }));
    MC_TRY(in.object("creation", [&](JsonIn& creation) {
      return read_transition(creation, definition.creation);
    }));
    MC_TRY(in.elements("transitions", [&](simdjson::dom::element item, const std::string& path) {
      return read_element(item, path, [&](JsonIn& transition) {
        return read_transition(transition, definition.transitions.emplace_back());
      });
    }));
    MC_TRY(in.elements("timers", [&](simdjson::dom::element item, const std::string& path) {
      return read_element(item, path, [&](JsonIn& timer) {
        return read_timer(timer, definition.timers.emplace_back());
      });
    }));
    return in.elements("visibility", [&](simdjson::dom::element item, const std::string& path) {
      return read_element(item, path, [&](JsonIn& visibility) {
        return read_visibility(visibility, definition.visibility.emplace_back());
      });
    });
  }));
  return definition;
}

void write_lifecycle(json::JsonWriter& json, const LifecycleDefinition& definition) {
  json.begin_object();
  json.key("name").value(definition.name);
  json.key("states").begin_array();
  for (const StateDef& state : definition.states) {
    json.begin_object().key("name").value(state.name);
    json.key("terminal").value(state.terminal).end_object();
  }
  json.end_array();
  json.key("creation");
  write_transition(json, definition.creation);
  json.key("transitions").begin_array();
  for (const TransitionDef& transition : definition.transitions) write_transition(json, transition);
  json.end_array();
  json.key("timers").begin_array();
  for (const TimerDef& timer : definition.timers) {
    json.begin_object();
    json.key("state").value(timer.state);
    json.key("transition").value(timer.transition);
    json.key("base").value(to_name(kTimerBases, timer.base));
    json.key("after_ms").value(timer.after_ms);
    json.end_object();
  }
  json.end_array();
  json.key("visibility").begin_array();
  for (const FieldVisibility& visibility : definition.visibility) {
    json.begin_object();
    json.key("field").value(to_name(kJobFields, visibility.field));
    write_names(json, "full_view", kRoles, visibility.full_view);
    json.key("preview_chars").value(visibility.preview_chars);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

}  // namespace mc::c_api
