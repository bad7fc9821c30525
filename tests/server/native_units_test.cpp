// Native dialect error format: type, code, message, param and the HTTP status.
#include <doctest/doctest.h>

#include "errors.h"
#include "native/native_dialect.h"

namespace mc::server::native {
namespace {

TEST_CASE("native errors: Stripe-style body and status") {
  Response response =
      render_native_error(invalid_argument("missing_param", "title is required", "title"));
  CHECK(response.status == 400);
  CHECK(response.body == R"({"error":{"type":"invalid_request_error","code":"missing_param",)"
                         R"("message":"title is required","param":"title"}})");
  CHECK(render_native_error(unauthenticated("api_key_invalid", "x"))
            .body.find("authentication_error") != std::string::npos);
  Response limited =
      render_native_error(Status(Code::resource_exhausted, kDetailRateLimited, "slow down"));
  CHECK(limited.status == 429);
  CHECK(limited.body.find("rate_limit_error") != std::string::npos);
  Response reused = render_native_error(invalid_argument(kDetailIdempotencyKeyReused, "x"));
  CHECK(reused.status == 409);
  CHECK(reused.body.find("idempotency_error") != std::string::npos);
  CHECK(render_native_error(internal_error("boom", "x")).body.find("api_error") !=
        std::string::npos);
  CHECK(render_native_error(failed_precondition("insufficient_funds", "x")).status == 402);
}

}  // namespace
}  // namespace mc::server::native
