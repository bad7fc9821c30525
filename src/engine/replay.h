// replay.h — what an idempotency record stores, and how a repeat is answered.
//
// The stored result is a small JSON object: the ids a repeat needs to answer as the first call
// did. A repeat of a money movement returns the original transfer id and balance; a repeat of
// a job call returns the transition that fired and the job as it is *now* (re-read), so a
// client that retries after a crash sees the job's current state, not a stale copy.
//
// Thread-safety: pure functions.
//
// Example:
//   std::string stored = encode_movement(movement);
//   MoneyMovement again = decode_movement(stored).value();  // again.replayed == true
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/engine.h"

namespace mc::engine {

struct StoredOutcome {
  JobId job_id = 0;
  std::string fired;
};

std::string encode_movement(const MoneyMovement& movement);
// data_loss/"bad_idempotency_record" when the text is not what encode_movement wrote.
Result<MoneyMovement> decode_movement(std::string_view text);

std::string encode_outcome(const JobOutcome& outcome);
Result<StoredOutcome> decode_outcome(std::string_view text);

std::string encode_id(int64_t id);
Result<int64_t> decode_id(std::string_view text);

}  // namespace mc::engine
