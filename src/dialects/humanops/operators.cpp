// HumanOps operators: registration (KYC VERIFIED at once in test mode, PENDING in production
// until the host's KYC provider updates it), browsing PENDING tasks, accept (first accept wins;
// KYC required; 410 once the deadline passed), proof by the task's proof type, earnings (the
// settlement hold keeps each reward `pending` for 7 days) and payouts of at least $10 from
// `available` through the PayoutProvider: the debit commits first, a failed send reverses it.
#include <algorithm>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/humanops.h"

namespace mc::humanops {
namespace {

Status expired() {
  return failed_precondition("task_expired", "Task has expired");
}

bool url_like(std::string_view text) {
  return text.substr(0, 8) == "https://" || text.substr(0, 7) == "http://";
}

Status check_proof(const Proof& proof, const TaskFields& fields) {
  MC_TRY(internal::check_text(proof.notes, "notes", 10'000, false));
  if (proof.photos.size() > 20) {
    return invalid_argument("invalid_value", "photos has at most 20 items", "photos");
  }
  for (const std::string& photo : proof.photos) {
    MC_TRY(internal::check_text(photo, "photos", 2048, true));
    if (!url_like(photo)) {
      return invalid_argument("invalid_value", "photos must be http(s) URLs", "photos");
    }
  }
  if (proof.confirmation_text) {
    MC_TRY(internal::check_text(*proof.confirmation_text, "confirmation_text", 10'000, true));
  }
  if (proof.reference_url) {
    MC_TRY(internal::check_text(*proof.reference_url, "reference_url", 2048, true));
    if (!url_like(*proof.reference_url)) {
      return invalid_argument("invalid_value", "reference_url must be an http(s) URL",
                              "reference_url");
    }
  }
  if (fields.proof_type == "ARTIFACT") {
    if (!proof.encrypted_credential_json) {
      return invalid_argument("missing_param",
                              "encrypted_credential is required for credential tasks",
                              "encrypted_credential");
    }
    for (const char* field : {"\"ciphertext\":\"", "\"iv\":\"", "\"ephemeralPublicKey\":\""}) {
      if (proof.encrypted_credential_json->find(field) == std::string::npos) {
        return invalid_argument("invalid_value",
                                "encrypted_credential needs ciphertext, iv and ephemeralPublicKey",
                                "encrypted_credential");
      }
    }
    if (proof.encrypted_credential_json->size() > 64 * 1024) {
      return invalid_argument("invalid_value", "encrypted_credential is too large",
                              "encrypted_credential");
    }
  } else if (proof.encrypted_credential_json) {
    return invalid_argument("invalid_value", "only credential tasks take encrypted_credential",
                            "encrypted_credential");
  } else if (fields.proof_type == "CONFIRMATION") {
    if (!proof.confirmation_text) {
      return invalid_argument("missing_param", "confirmation_text is required",
                              "confirmation_text");
    }
  } else if (proof.photos.empty()) {
    return invalid_argument("missing_param", "photos is required", "photos");
  }
  return ok_status();
}

}  // namespace

Result<Party> Service::register_operator(const NewOperator& op) {
  if (op.external_id.empty() || op.external_id.size() > 200) {
    return unauthenticated("operator_unknown", "Operator identity required");
  }
  MC_TRY(internal::check_text(op.name, "name", 100, true));
  MC_TRY(internal::check_text(op.email, "email", 254, true));
  if (op.email.find('@') == std::string::npos) {
    return invalid_argument("invalid_value", "email must be an email address", "email");
  }
  MC_TRY(internal::check_text(op.phone, "phone", 32, false));
  if (op.skills.size() > 13) {
    return invalid_argument("invalid_value", "skills has at most 13 items", "skills");
  }
  for (const std::string& skill : op.skills) {
    if (find_task_type(skill) == nullptr) {
      return invalid_argument("invalid_value", "skills must be task types", "skills");
    }
  }
  if (op.location_json.size() > 4096) {
    return invalid_argument("invalid_value", "location is too large", "location");
  }
  Party party;
  party.market_id = market_.id;
  party.kind = "operator";
  party.display_name = op.name;
  party.email = op.email;
  party.external_id = op.external_id;
  party.capabilities = op.skills;
  party.kyc_status = options_.test_mode ? "VERIFIED" : "PENDING";
  json::JsonWriter profile;
  profile.begin_object();
  profile.key("phone").value(op.phone);
  profile.key("location").raw(op.location_json);
  profile.end_object();
  party.profile_json = std::move(profile).take();
  Result<Party> created = engine_.register_party(party);
  if (!created.ok() && created.status().detail() == "party_identity_taken") {
    return Status(Code::already_exists, "operator_exists",
                  created.status().param() == "email" ? "Email already registered"
                                                      : "Operator already registered",
                  created.status().param());
  }
  return created;
}

Result<Party> Service::operator_by_id(std::string_view external_id) {
  Result<Party> party = engine_.party_by_external_id(market_.id, external_id);
  if (!party.ok()) {
    if (party.status().code() == Code::not_found) {
      return unauthenticated("operator_unknown", "Operator not registered");
    }
    return party.status();
  }
  if (party->kind != "operator")
    return unauthenticated("operator_unknown", "Operator not registered");
  return party;
}

Result<TaskPage> Service::available_tasks(const TaskFilter& filter) {
  MC_TRY_ASSIGN(int32_t limit, binding_.list_limit(filter.limit));
  if (filter.offset < 0) return invalid_argument("invalid_value", "offset must be ≥ 0", "offset");
  if (filter.task_type && find_task_type(*filter.task_type) == nullptr) {
    return invalid_argument("invalid_value", "task_type must be one of the 13 task types",
                            "task_type");
  }
  TaskPage page{.limit = limit, .offset = filter.offset};
  JobQuery query{
      .market_id = market_.id, .state = std::string("PENDING"), .category = filter.task_type};
  const int64_t now_ms = engine_.clock().now_ms();
  constexpr int32_t kPage = 500;
  for (int32_t offset = 0;; offset += kPage) {
    query.limit = kPage;
    query.offset = offset;
    MC_TRY_ASSIGN(std::vector<Job> jobs, engine_.jobs(query));
    for (Job& job : jobs) {
      if (job.deadline_at_ms && *job.deadline_at_ms <= now_ms) continue;  // no longer offered
      if (page.total >= filter.offset && static_cast<int64_t>(page.tasks.size()) < limit) {
        page.tasks.push_back(std::move(job));
      }
      ++page.total;
    }
    if (jobs.size() < static_cast<size_t>(kPage)) break;
  }
  return page;
}

Result<Job> Service::accept(PartyId op, std::string_view id) {
  const std::optional<JobId> job_id = parse_task_id(id);
  if (!job_id) return not_found("task_not_found", "Task not found");
  MC_TRY_ASSIGN(Job job, binding_.job(*job_id));
  if (job.state == "EXPIRED") return expired();
  if (job.state != "PENDING") {
    return Status(Code::already_exists, "task_taken", "Task is no longer available");
  }
  if (options_.kyc) {
    MC_TRY_ASSIGN(Party party, engine_.party(op));
    if (party.kyc_status != "VERIFIED") {
      MC_TRY_ASSIGN(std::string status, options_.kyc->kyc_status(party));
      if (status != party.kyc_status &&
          (status == "VERIFIED" || status == "PENDING" || status == "REJECTED")) {
        MC_TRY(engine_.update_party_fields({.id = op, .kyc_status = status}).status());
      }
    }
  }
  Result<JobOutcome> fired =
      engine_.fire({.job_id = job.id, .transition = "accept", .actor_id = op});
  if (fired.ok()) return fired->job;
  const std::string detail = fired.status().detail();
  if (detail == "deadline_passed") return expired();
  if (detail == "kyc_required") {
    return failed_precondition("kyc_required", "KYC verification required");
  }
  if (detail == "wrong_state" || detail == "job_state_changed" || detail == "not_assigned_worker") {
    return Status(Code::already_exists, "task_taken", "Task is no longer available");
  }
  return fired.status();
}

Result<Job> Service::submit(PartyId op, std::string_view id, const Proof& proof) {
  const std::optional<JobId> job_id = parse_task_id(id);
  if (!job_id) return not_found("task_not_found", "Task not found");
  MC_TRY_ASSIGN(Job job, binding_.job(*job_id));
  if (job.worker_id != op) {
    if (job.state == "PENDING") {
      return failed_precondition("wrong_state", "Accept the task before submitting proof");
    }
    return permission_denied("not_your_task", "Task is assigned to another operator");
  }
  const TaskFields fields = task_fields(job);
  MC_TRY(check_proof(proof, fields));
  json::JsonWriter out;
  out.begin_object();
  if (proof.encrypted_credential_json) {
    out.key("encrypted_credential").raw(*proof.encrypted_credential_json);
  }
  out.key("photos").begin_array();
  for (const std::string& photo : proof.photos) out.value(photo);
  out.end_array();
  out.key("notes").value(proof.notes);
  if (proof.confirmation_text) out.key("confirmation_text").value(*proof.confirmation_text);
  if (proof.reference_url) out.key("reference_url").value(*proof.reference_url);
  out.end_object();
  FireTransition request{.job_id = job.id, .transition = "submit", .actor_id = op};
  request.proof_json = std::move(out).take();
  Result<JobOutcome> fired = engine_.fire(request);
  if (fired.ok()) return fired->job;
  const std::string detail = fired.status().detail();
  if (detail == "deadline_passed") return expired();
  if (detail == "wrong_state" || detail == "job_state_changed") {
    return failed_precondition("wrong_state", "Proof cannot be submitted in status " + job.state);
  }
  return fired.status();
}

Result<Earnings> Service::earnings(PartyId op) {
  MC_TRY_ASSIGN(Balances balances, engine_.balances(market_.id, op));
  Earnings result{.pending_minor = balances.pending_minor,
                  .available_minor = balances.available_minor};
  JobQuery query{.market_id = market_.id, .state = std::string("COMPLETED"), .worker_id = op};
  constexpr int32_t kPage = 500;
  for (int32_t offset = 0;; offset += kPage) {
    query.limit = kPage;
    query.offset = offset;
    MC_TRY_ASSIGN(std::vector<Job> jobs, engine_.jobs(query));
    for (Job& job : jobs) {
      result.total_earned_minor += job.fees.worker_minor;
      if (result.recent_tasks.size() < 10) result.recent_tasks.push_back(std::move(job));
    }
    if (jobs.size() < static_cast<size_t>(kPage)) break;
  }
  return result;
}

Result<Payout> Service::payout(PartyId op, int64_t amount_minor, const std::string& payee_id) {
  const int64_t minimum = internal::setting_int(market_, "payout_min_minor", 1000);
  if (amount_minor < minimum) {
    return invalid_argument("payout_below_minimum",
                            "Minimum payout is $" + std::to_string(minimum / 100), "amount_usd");
  }
  MC_TRY(internal::check_text(payee_id, "payoneer_payee_id", 200, !options_.test_mode));
  if (!options_.payouts) {
    return Status(Code::unavailable, "payouts_unavailable",
                  "Payouts are not available on this server");
  }
  MC_TRY_ASSIGN(std::string random, crypto::random_bytes(12));
  const std::string id = "payout_" + encoding::hex_encode(random);
  Result<MoneyMovement> debited = engine_.withdraw({.market_id = market_.id,
                                                    .party_id = op,
                                                    .amount_minor = amount_minor,
                                                    .reason = "payout",
                                                    .external_ref = "payout:" + id});
  if (!debited.ok()) {
    if (debited.status().detail() == "insufficient_funds") {
      return invalid_argument("insufficient_earnings", "Insufficient available balance",
                              "amount_usd");
    }
    return debited.status();
  }
  Status sent = options_.payouts->send(
      {.operator_party = op, .amount_minor = amount_minor, .payee_id = payee_id, .payout_id = id});
  if (!sent.ok()) {
    MC_TRY(engine_
               .deposit({.market_id = market_.id,
                         .party_id = op,
                         .amount_minor = amount_minor,
                         .reason = "payout_reversal",
                         .external_ref = "payout_reversal:" + id})
               .status());
    return Status(Code::unavailable, "payout_failed",
                  "Payout failed; the amount was returned: " + sent.message());
  }
  return Payout{.payout_id = id, .amount_minor = amount_minor, .status = "completed"};
}

Result<Payout> Service::payout_status(PartyId op, std::string_view id) {
  const std::string ref = "payout:" + std::string(id);
  const std::string reversal = "payout_reversal:" + std::string(id);
  std::optional<TransferId> before;
  std::optional<Payout> found;
  for (int page = 0; page < 100; ++page) {
    MC_TRY_ASSIGN(std::vector<Transfer> transfers, engine_.transfers(market_.id, op, before, 200));
    for (const Transfer& transfer : transfers) {
      if (transfer.external_ref == reversal) {
        return Payout{.payout_id = std::string(id),
                      .amount_minor = transfer.amount_minor,
                      .status = "failed"};
      }
      if (transfer.external_ref == ref) {
        found = Payout{.payout_id = std::string(id),
                       .amount_minor = transfer.amount_minor,
                       .status = "completed"};
      }
    }
    if (transfers.size() < 200) break;
    before = transfers.back().id;
  }
  if (found) return *found;
  return not_found("payout_not_found", "Payout not found");
}

}  // namespace mc::humanops

namespace mc::humanops {

Result<std::vector<Service::NearbyOperator>> Service::search_operators(
    double lat, double lng, std::optional<double> radius_km, std::optional<std::string> task_type) {
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) {
    return invalid_argument("invalid_value", "lat must be within ±90 and lng within ±180", "lat");
  }
  const double radius = radius_km.value_or(25);
  if (!(radius > 0) || radius > 20'000) {
    return invalid_argument("invalid_value", "radius_km must be within (0, 20000]", "radius_km");
  }
  if (task_type && find_task_type(*task_type) == nullptr) {
    return invalid_argument("invalid_value", "task_type must be one of the 13 task types",
                            "task_type");
  }
  std::vector<NearbyOperator> found;
  constexpr int32_t kPage = 500;
  for (int32_t offset = 0;; offset += kPage) {
    MC_TRY_ASSIGN(std::vector<Party> parties,
                  engine_.parties(market_.id, task_type, kPage, offset));
    for (Party& party : parties) {
      if (party.kind != "operator" || party.kyc_status != "VERIFIED") continue;
      const std::optional<std::pair<double, double>> at = internal::profile_point(party);
      if (!at) continue;
      const double distance = internal::distance_km(lat, lng, at->first, at->second);
      if (distance <= radius) found.push_back({std::move(party), distance});
    }
    if (parties.size() < static_cast<size_t>(kPage)) break;
  }
  std::sort(found.begin(), found.end(), [](const NearbyOperator& a, const NearbyOperator& b) {
    return a.distance_km < b.distance_km;
  });
  if (found.size() > 50) found.resize(50);
  return found;
}

}  // namespace mc::humanops
