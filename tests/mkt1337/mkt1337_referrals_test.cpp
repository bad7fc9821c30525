// 1337MKT referral links, conversions and the completion webhook's refusals
// (docs/dialects/1337mkt.md, "Referral links" and "Completion webhook"): a link's code names its
// contract under the lead's secret, so a forged or mistyped code is not found; clicks count once
// per visitor and complete a CPC contract at its `clicks`; installs complete CPD, pixels CPR /
// CPA, each conversion id once; the webhook refuses malformed bodies and foreign contracts.
#include <doctest/doctest.h>

#include "marketcore/webhook_signatures.h"
#include "mkt1337_market.h"

using namespace mkt1337_test;

namespace {

struct Referrals {
  Market m;
  mc::PartyId leader = m.account();
  mc::PartyId doer = m.account();

  // A funded lead of `type` and the doer's contract on it.
  std::pair<mc::Job, mc::Job> contract(std::string type, std::string criteria) {
    const mc::Job lead = m.lead(leader, 5, 1, std::move(type), std::move(criteria));
    m.fund(lead);
    return {lead, m.accept(doer, lead)};
  }
};

}  // namespace

TEST_CASE("mkt1337 referrals: links only for the doer's live contract, to the lead's URL") {
  Referrals r;
  const auto [lead, contract] = r.contract("CPC", R"({"target_url":"https://shop/x","clicks":2})");
  const std::string id = mk::contract_id(contract.id);
  CHECK(r.m.service->referral_link(r.leader, id, std::nullopt).status().detail() ==
        "not_your_contract");
  mc::Result<mk::Service::ReferralLink> wrong =
      r.m.service->referral_link(r.doer, id, std::string("https://evil/"));
  CHECK(wrong.status().detail() == "target_url_mismatch");
  CHECK(wrong.status().param() == "target_url");
  const mk::Service::ReferralLink link =
      r.m.service->referral_link(r.doer, id, std::string("https://shop/x")).value();
  CHECK(link.contract == contract.id);
  CHECK(link.code.rfind(std::to_string(contract.id) + "x", 0) == 0);
  CHECK(link.target_url == "https://shop/x");

  // Codes that do not carry the contract's signature are not found.
  std::string forged = link.code;
  forged.back() = forged.back() == '0' ? '1' : '0';
  for (const std::string& bad : {std::string("nox"), std::string("x123"), std::string("abcx12"),
                                 std::string("999999x0123456789abcdef"), forged,
                                 std::to_string(lead.id) + link.code.substr(link.code.find('x'))}) {
    CAPTURE(bad);
    CHECK(r.m.service->click(bad, "v").status().detail() == "referral_not_found");
  }
  // Two distinct visitors complete the CPC contract; a repeat visitor is not counted.
  mk::Service::Click first = r.m.service->click(link.code, "visitor-1").value();
  CHECK(first.counted);
  CHECK_FALSE(first.completed);
  CHECK_FALSE(r.m.service->click(link.code, "visitor-1")->counted);
  mk::Service::Click second = r.m.service->click(link.code, "visitor-2").value();
  CHECK(second.counted);
  CHECK(second.completed);
  CHECK(r.m.s.job(contract.id).state == "approved");
  CHECK(r.m.available(r.doer) == 5 * kUsdc);
  // The contract is no longer active: no new link.
  CHECK(r.m.service->referral_link(r.doer, id, std::nullopt).status().detail() == "wrong_state");
  r.m.check();
}

TEST_CASE("mkt1337 referrals: a lead without a URL has no link; conversions by lead type") {
  Referrals r;
  const auto [video_lead, video] = r.contract("CPV", R"({"min_duration_s":30})");
  CHECK(r.m.service->referral_link(r.doer, mk::contract_id(video.id), std::nullopt)
            .status()
            .detail() == "no_referral_target");

  const auto [app_lead, app] = r.contract("CPD", R"({"download_url":"https://app/dl"})");
  const std::string code =
      r.m.service->referral_link(r.doer, mk::contract_id(app.id), std::nullopt)->code;
  mc::Result<mk::Service::Completion> bad_kind = r.m.service->conversion(code, "sale", "c1");
  CHECK(bad_kind.status().detail() == "invalid_value");
  CHECK(bad_kind.status().param() == "kind");
  CHECK(r.m.service->conversion(code, "install", "").status().param() == "conversion_id");
  CHECK(r.m.service->conversion(code, "pixel", "p1").status().detail() == "wrong_lead_type");
  CHECK(r.m.service->conversion("1x00", "install", "i1").status().detail() == "referral_not_found");
  const mk::Service::Completion installed = r.m.service->conversion(code, "install", "i1").value();
  CHECK_FALSE(installed.replayed);
  CHECK(installed.contract.state == "approved");
  CHECK(r.m.service->conversion(code, "install", "i1")->replayed);
  CHECK(r.m.service->conversion(code, "install", "i2")->replayed);  // already approved

  const auto [pixel_lead, pixel] =
      r.contract("CPA", R"({"action":"signup","url":"https://shop/signup"})");
  const std::string pixel_code =
      r.m.service->referral_link(r.doer, mk::contract_id(pixel.id), std::nullopt).value().code;
  CHECK(r.m.service->conversion(pixel_code, "install", "i1").status().detail() ==
        "wrong_lead_type");
  CHECK(r.m.service->conversion(pixel_code, "pixel", "p1")->contract.state == "approved");
  CHECK(r.m.available(r.doer) == 10 * kUsdc);
  r.m.check();
}

TEST_CASE("mkt1337 referrals: the completion webhook refuses malformed and foreign bodies") {
  Referrals r;
  const auto [lead, contract] = r.contract("CPA", R"({"action":"signup"})");
  const auto [other_lead, other] = r.contract("CPA", R"({"action":"signup"})");
  const std::string secret = r.m.service->webhook_secret(r.leader, mk::lead_id(lead.id)).value();
  auto signal = [&](const std::string& body) {
    return r.m.service->completion_signal(body, mc::auth::sign_body_hex(secret, body)).status();
  };
  CHECK(signal("[1]").detail() == "malformed_json");
  CHECK(signal(R"({"contract_id":"contract_1"})").param() == "lead_id");
  CHECK(signal(R"({"lead_id":")" + mk::lead_id(lead.id) + R"("})").param() == "contract_id");
  CHECK(signal(R"({"lead_id":"lead_424242","contract_id":"contract_1"})").detail() ==
        "lead_not_found");
  // A contract of another lead, signed with this lead's secret.
  CHECK(signal(R"({"lead_id":")" + mk::lead_id(lead.id) + R"(","contract_id":")" +
               mk::contract_id(other.id) + R"("})")
            .detail() == "contract_not_found");
  CHECK(r.m.s.job(other.id).state == "active");
  CHECK(r.m.s.job(contract.id).state == "active");
  r.m.check();
}
