// server/dialects/humanops/http_verifier.h — the AI Guardian over HTTP: POST the task with its
// proof as JSON to a configured URL, read {decision, confidence, reasoning}.
//
// Configured from the environment:
//   MARKETCORE_HUMANOPS_VERIFIER_URL         http(s) endpoint; unset: no verifier (every proof
//                                            goes to manual review)
//   MARKETCORE_HUMANOPS_VERIFIER_TIMEOUT_MS  time limit of one call (default 30000)
// A non-2xx answer, a body without an integer confidence 0–100, a network failure or the time
// limit make verify() fail, which routes the task to manual review.
//
// Thread-safety: safe from many threads.
#pragma once

#include <memory>

#include "marketcore/humanops.h"

namespace mc::server::humanops {

// nullptr when MARKETCORE_HUMANOPS_VERIFIER_URL is unset.
std::shared_ptr<mc::humanops::Verifier> make_http_verifier_from_environment(bool test_mode);

}  // namespace mc::server::humanops
