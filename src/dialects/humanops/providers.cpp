// Test doubles of the payment and payout providers (marketcore/humanops.h) and the helpers
// shared by the HumanOps library files (internal.h).
#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/humanops.h"

namespace mc::humanops {
namespace {

class InstantPayments final : public PaymentProvider {
 public:
  Result<PaymentStarted> start(const PaymentRequest& request) override {
    (void)request;
    return PaymentStarted{.completed = true};
  }
};

class InstantPayouts final : public PayoutProvider {
 public:
  Status send(const PayoutRequest& request) override {
    (void)request;
    return ok_status();
  }
};

}  // namespace

std::shared_ptr<PaymentProvider> instant_payment_provider() {
  return std::make_shared<InstantPayments>();
}
std::shared_ptr<PayoutProvider> instant_payout_provider() {
  return std::make_shared<InstantPayouts>();
}

namespace internal {

int64_t text_chars(std::string_view text) {
  int64_t count = 0;
  size_t index = 0;
  while (index < text.size()) {
    const auto lead = static_cast<unsigned char>(text[index]);
    size_t length = lead < 0x80             ? 1
                    : (lead & 0xE0) == 0xC0 ? 2
                    : (lead & 0xF0) == 0xE0 ? 3
                    : (lead & 0xF8) == 0xF0 ? 4
                                            : 0;
    if (length == 0 || index + length > text.size()) return -1;
    for (size_t i = 1; i < length; ++i) {
      if ((static_cast<unsigned char>(text[index + i]) & 0xC0) != 0x80) return -1;
    }
    index += length;
    ++count;
  }
  return count;
}

Status check_text(std::string_view text, const char* name, int64_t max_chars, bool required) {
  const int64_t chars = text_chars(text);
  if (required && chars == 0) {
    return invalid_argument("missing_param", std::string(name) + " is required", name);
  }
  if (chars < 0 || chars > max_chars) {
    return invalid_argument(
        "invalid_value",
        std::string(name) + " must be at most " + std::to_string(max_chars) + " characters", name);
  }
  return ok_status();
}

int64_t setting_int(const Market& market, std::string_view key, int64_t fallback) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(market.config.config_json)).get(root) !=
      simdjson::SUCCESS) {
    return fallback;
  }
  int64_t value = 0;
  if (root[key].get_int64().get(value) != simdjson::SUCCESS) return fallback;
  return value;
}

std::optional<std::pair<double, double>> profile_point(const Party& party) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(party.profile_json)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  double lat = 0;
  double lng = 0;
  if (root["location"]["lat"].get_double().get(lat) != simdjson::SUCCESS ||
      root["location"]["lng"].get_double().get(lng) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return std::make_pair(lat, lng);
}

double distance_km(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kRadians = 3.14159265358979323846 / 180;
  constexpr double kEarthKm = 6371.0088;
  const double dlat = (lat2 - lat1) * kRadians;
  const double dlng = (lng2 - lng1) * kRadians;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlng / 2) *
                       std::sin(dlng / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string json_string(std::string_view text) {
  json::JsonWriter out;
  out.value(text);
  return std::move(out).take();
}

}  // namespace internal
}  // namespace mc::humanops
