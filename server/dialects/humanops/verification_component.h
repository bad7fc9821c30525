// server/dialects/humanops/verification_component.h — runs the AI Guardian beside the server.
//
// One thread routes SUBMITTED tasks that have no guardian result yet
// (mc::humanops::Service::verify_pending), woken by a submit and otherwise every second, so
// a task submitted before a restart is routed after it: the work list is the database's.
//
// Thread-safety: wake() from any thread; start()/stop() from the server's main thread.
#pragma once

#include <functional>
#include <memory>

#include "../../background.h"
#include "marketcore/humanops.h"

namespace mc::server::humanops {

class VerificationComponent final : public BackgroundComponent {
 public:
  VerificationComponent(std::shared_ptr<mc::humanops::Service> service,
                        std::shared_ptr<mc::humanops::Verifier> verifier);
  ~VerificationComponent() override;
  std::string name() const override { return "humanops-verification"; }
  Status start() override;
  void stop() override;
  // A proof was submitted: look now.
  void wake();
  // wake() as a callable that stays valid after the component is destroyed (then a no-op).
  std::function<void()> waker() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace mc::server::humanops
