// 1337MKT referral links and attributed conversions. A link's code is "<contract>x<16 hex of
// HMAC-SHA256(lead webhook secret, contract id)>": nothing to store, nothing to guess. Clicks
// count once per visitor and link, conversions once per id, in the engine's durable replay
// guard; CPC contracts complete from counted clicks, CPD from installs, CPR / CPA from pixels,
// each by the lifecycle's "complete" fired as the platform.
#include <algorithm>
#include <charconv>

#include "internal.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/mkt1337.h"

namespace mc::mkt1337 {
namespace {

constexpr int64_t kForeverMs = 100LL * 365 * kMillisecondsPerDay;

Status referral_not_found() {
  return not_found("referral_not_found", "Referral link not found");
}

std::string signature_of(const Job& contract, const Job& lead) {
  const std::string mac =
      crypto::hmac_sha256_bytes(lead.prompt, "referral:" + contract_id(contract.id));
  return encoding::hex_encode(mac).substr(0, 16);
}

std::string target_of(const Job& lead) {
  const std::string criteria = lead_success_criteria(lead);
  for (const char* key : {"target_url", "url", "download_url"}) {
    if (auto url = internal::json_string_member(criteria, key); url && !url->empty()) return *url;
  }
  return "";
}

}  // namespace

Result<Service::ReferralLink> Service::link_of(const Job& contract, const Job& lead) const {
  const std::string target = target_of(lead);
  if (target.empty()) {
    return failed_precondition("no_referral_target",
                               "the lead's success criteria name no URL to refer to");
  }
  return ReferralLink{.code = std::to_string(contract.id) + "x" + signature_of(contract, lead),
                      .contract = contract.id,
                      .target_url = target};
}

Result<Service::ReferralLink> Service::referral_link(PartyId doer, std::string_view contract,
                                                     std::optional<std::string> target_url) {
  MC_TRY_ASSIGN(Job job, own_contract(doer, contract, false, true));
  if (job.state != "active" && job.state != "proof_submitted") {
    return failed_precondition("wrong_state", "the contract is not active");
  }
  MC_TRY_ASSIGN(Job lead_job, engine_.job(*job.parent_job_id));
  MC_TRY_ASSIGN(ReferralLink link, link_of(job, lead_job));
  if (target_url && *target_url != link.target_url) {
    return invalid_argument("target_url_mismatch",
                            "target_url must be the lead's success-criteria URL", "target_url");
  }
  return link;
}

Result<std::pair<Job, Job>> Service::contract_of_code(std::string_view code) {
  const size_t split = code.find('x');
  if (split == std::string_view::npos || split == 0 || split > 18) return referral_not_found();
  JobId id = 0;
  const auto [end, error] = std::from_chars(code.data(), code.data() + split, id);
  if (error != std::errc() || end != code.data() + split || id <= 0) return referral_not_found();
  Result<Job> job = engine_.job(id);
  if (!job.ok() || job->market_id != market_.id || !job->parent_job_id) {
    return referral_not_found();
  }
  MC_TRY_ASSIGN(Job lead_job, engine_.job(*job->parent_job_id));
  if (!crypto::constant_time_equal(code.substr(split + 1), signature_of(*job, lead_job))) {
    return referral_not_found();
  }
  return std::pair<Job, Job>(std::move(job).value(), std::move(lead_job));
}

Result<bool> Service::first_time(const std::string& key) {
  const Status remembered = engine_.auth_stores().replay_guard->remember(
      key, engine_.clock().now_ms() + kForeverMs, engine_.clock().now_ms());
  if (remembered.ok()) return true;
  if (remembered.detail() == "signature_replayed") return false;
  return remembered;
}

Result<Service::Click> Service::click(std::string_view code, std::string_view visitor) {
  MC_TRY_ASSIGN(auto found, contract_of_code(code));
  auto& [job, lead_job] = found;
  Click click;
  MC_TRY_ASSIGN(click.link, link_of(job, lead_job));
  const std::string visitor_hash =
      encoding::hex_encode(crypto::hmac_sha256_bytes("visitor", visitor)).substr(0, 32);
  MC_TRY_ASSIGN(click.counted,
                first_time("mkt1337:click:" + contract_id(job.id) + ":" + visitor_hash));
  if (!click.counted || lead_job.category != "CPC") return click;
  const int64_t needed = std::clamp<int64_t>(
      internal::json_int_member(lead_success_criteria(lead_job), "clicks").value_or(1), 1,
      1'000'000);
  // The count is the first n whose key was never recorded: each counted click records one.
  int64_t count = 0;
  for (int64_t n = 1; n <= needed; ++n) {
    MC_TRY_ASSIGN(bool fresh,
                  first_time("mkt1337:clicks:" + contract_id(job.id) + ":" + std::to_string(n)));
    if (fresh) {
      count = n;
      break;
    }
  }
  if (count == needed && (job.state == "active" || job.state == "proof_submitted")) {
    Result<JobOutcome> done =
        engine_.fire({.job_id = job.id, .transition = "complete", .as_platform = true});
    click.completed = done.ok();
  }
  return click;
}

Result<Service::Completion> Service::conversion(std::string_view code, std::string_view kind,
                                                std::string_view conversion_id) {
  if (kind != "install" && kind != "pixel") {
    return invalid_argument("invalid_value", "kind is install or pixel", "kind");
  }
  MC_TRY(internal::check_text(conversion_id, "conversion_id", 200, true));
  MC_TRY_ASSIGN(auto found, contract_of_code(code));
  auto& [job, lead_job] = found;
  const bool fits = kind == "install" ? lead_job.category == "CPD"
                                      : (lead_job.category == "CPR" || lead_job.category == "CPA");
  if (!fits) {
    return failed_precondition("wrong_lead_type", kind == "install"
                                                      ? "install callbacks complete CPD contracts"
                                                      : "pixels complete CPR and CPA contracts");
  }
  MC_TRY_ASSIGN(bool fresh, first_time("mkt1337:conversion:" + contract_id(job.id) + ":" +
                                       std::string(kind) + ":" + std::string(conversion_id)));
  if (!fresh || job.state == "approved") return Completion{.contract = job, .replayed = true};
  Result<JobOutcome> done =
      engine_.fire({.job_id = job.id, .transition = "complete", .as_platform = true});
  if (!done.ok()) {
    MC_TRY_ASSIGN(Job now, engine_.job(job.id));
    if (now.state == "approved") return Completion{.contract = now, .replayed = true};
    return done.status();
  }
  return Completion{.contract = done->job, .replayed = false};
}

}  // namespace mc::mkt1337
