// server/server.cpp — start-up, the I/O and handler pools, signals and graceful shutdown.
#include "server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <thread>
#include <vector>

#include "dialect_registry.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "ops_dialect.h"
#include "scheduler.h"
#include "transport.h"

namespace mc::server {
namespace {

constexpr int64_t kScheduleIntervalMs = 500;
constexpr int64_t kDrainPollMs = 20;
constexpr size_t kIdempotencyEntriesMax = 200'000;
constexpr int64_t kIdempotencyRetentionMs = 24 * kMillisecondsPerHour;

int32_t hardware_threads() {
  const unsigned count = std::thread::hardware_concurrency();
  return count == 0 ? 2 : static_cast<int32_t>(count);
}

void progress_line(std::string_view message) {
  std::fprintf(stderr, "marketcore-server: %.*s\n", static_cast<int>(message.size()),
               message.data());
}

}  // namespace

struct Server::Impl {
  ServerContext context;
  Router router;
  RateLimiter limiter;
  IdempotencyCache idempotency{kIdempotencyEntriesMax, kIdempotencyRetentionMs};
  std::unique_ptr<AccessLog> access_log;
  std::unique_ptr<HttpService> service;
  std::unique_ptr<boost::asio::thread_pool> handlers;
  std::unique_ptr<TransportShared> transport;
  // Declared after `transport`: destroying the io_context destroys connections still queued in
  // it, and their destructors unregister from the transport's registry.
  boost::asio::io_context io;
  std::shared_ptr<Listener> listener;
  std::vector<std::unique_ptr<BackgroundComponent>> components;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  boost::asio::steady_timer drain_timer{io};
  int64_t drain_deadline_us = 0;

  Status open_engine();
  Status mount_dialects();
  Status bind();
  void begin_shutdown();
  void poll_drain();
};

Status Server::Impl::open_engine() {
  ServerConfig& config = context.config;
  if (config.admin_key.empty() && config.test_mode) {
    MC_TRY_ASSIGN(std::string random, crypto::random_bytes(24));
    config.admin_key = "mc_admin_" + encoding::hex_encode(random);
    progress_line("test mode: generated admin key " + config.admin_key);
  }
  progress_line("opening database " + database_for_display(config.database_path));
  // Test mode runs on an offset clock that POST /v1/test/clock moves forward; every engine,
  // auth and dialect time check reads context.clock.
  if (config.test_mode) {
    context.test_clock = std::make_shared<OffsetClock>();
    context.clock = context.test_clock;
  } else {
    context.clock = system_clock();
  }
  context.metrics.declare("marketcore_due_work_failures_total", "counter",
                          "Failed attempts at due timers and holds, by kind and outcome "
                          "(retry: transient, parked: stuck until retried).");
  context.metrics.declare("marketcore_due_work_stuck", "gauge",
                          "Timers and timed holds parked as stuck (GET /v1/stuck-work).");
  EngineOptions options;
  options.database_path = config.database_path;
  options.clock = context.test_clock ? std::shared_ptr<Clock>(context.test_clock) : system_clock();
  options.durability = config.durability_full ? Durability::full : Durability::normal;
  options.progress = progress_line;
  options.verify_ledger_at_open = config.verify_ledger;
  if (config.verify_ledger) progress_line("verifying the ledger");
  options.on_due_failure = [metrics = &context.metrics](const DueWorkFailure& failure) {
    const char* kind = failure.kind == StuckDueWork::Kind::timer ? "timer" : "hold";
    const std::string labels = std::string("kind=\"") + kind + "\",outcome=\"" +
                               (failure.parked ? "parked" : "retry") + "\"";
    metrics->add("marketcore_due_work_failures_total", labels, 1);
    std::string line = std::string("due work: ") + kind + " " + std::to_string(failure.id);
    if (failure.job_id) {
      line += " (job " + std::to_string(*failure.job_id) + ", " + failure.transition + ")";
    }
    line +=
        " attempt " + std::to_string(failure.attempts) + " failed: " + failure.status.to_string();
    line += failure.parked ? "; parked as stuck"
                           : "; retry at " + std::to_string(failure.next_attempt_at_ms);
    progress_line(line);
  };
  MC_TRY_ASSIGN(context.engine, Engine::open(std::move(options)));
  context.metrics.add_collector([engine = context.engine.get()](Metrics& metrics) {
    Result<int64_t> stuck = engine->count_stuck_due_work();
    if (stuck.ok()) {
      metrics.set_gauge("marketcore_due_work_stuck", "", static_cast<double>(stuck.value()));
    }
  });
  for (const std::string& name : config.markets) {
    MC_TRY_ASSIGN(MarketConfig market, builtin_market_config(name));
    market.test_mode = config.test_mode;
    Result<Market> ensured = context.engine->ensure_market(market);
    if (!ensured.ok()) return ensured.status();
    progress_line("market " + name + " ready (id " + std::to_string(ensured->id) + ")");
  }
  // Families the event-delivery component reports into (declared here so the names are fixed).
  context.metrics.declare("marketcore_outbox_lag_events", "gauge",
                          "Events written but not yet delivered, per consumer.");
  context.metrics.declare("marketcore_webhook_failures_total", "counter",
                          "Failed webhook delivery attempts.");
  // Group commit: batches and units committed; units per batch = units / batches.
  context.metrics.declare("marketcore_commit_batches_total", "counter",
                          "Store transactions committed by the group-commit writer.");
  context.metrics.declare("marketcore_commit_units_total", "counter",
                          "Write units committed inside those transactions.");
  context.metrics.declare("marketcore_commit_units_failed_total", "counter",
                          "Write units rolled back.");
  context.metrics.declare("marketcore_commit_batches_rerun_total", "counter",
                          "Batches run again with a savepoint per unit (a unit failed after "
                          "writing).");
  context.metrics.declare("marketcore_commit_batch_units_largest", "gauge",
                          "Most write units one commit carried since start.");
  context.metrics.add_collector([engine = context.engine.get()](Metrics& metrics) {
    const Engine::WriterStatistics stats = engine->writer_statistics();
    metrics.set_gauge("marketcore_commit_batches_total", "",
                      static_cast<double>(stats.batches_committed));
    metrics.set_gauge("marketcore_commit_units_total", "",
                      static_cast<double>(stats.units_committed));
    metrics.set_gauge("marketcore_commit_units_failed_total", "",
                      static_cast<double>(stats.units_failed));
    metrics.set_gauge("marketcore_commit_batches_rerun_total", "",
                      static_cast<double>(stats.batches_rerun));
    metrics.set_gauge("marketcore_commit_batch_units_largest", "",
                      static_cast<double>(stats.batch_units_largest));
  });
  // API keys: in the engine's database, so issued keys keep working across restarts.
  context.api_key_store = context.engine->auth_stores().api_keys;
  context.api_keys = std::make_unique<auth::ApiKeys>(context.api_key_store, context.clock);
  return ok_status();
}

Status Server::Impl::mount_dialects() {
  ServerConfig& config = context.config;
  if (config.dialects.empty()) {
    for (const std::string& name : built_dialects()) config.dialects.push_back({name, ""});
  }
  for (const DialectMountConfig& mount : config.dialects) {
    MC_TRY_ASSIGN(std::shared_ptr<Dialect> dialect, make_dialect(mount.name, context));
    const std::string prefix = mount.prefix.empty() ? dialect->default_prefix() : mount.prefix;
    MC_TRY(router.mount(prefix, dialect));
    progress_line("dialect " + mount.name + " at " + (prefix.empty() ? "/" : prefix));
  }
  return router.mount("", make_ops_dialect(context), /*exclusive=*/false);
}

Status Server::Impl::bind() {
  ServerConfig& config = context.config;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(config.listen_host, ec);
  if (ec) {
    return invalid_argument("bad_listen_address", "not an IP address: " + config.listen_host);
  }
  std::map<std::string, RateLimitRule> rules;
  for (const auto& mount : router.mounts()) {
    for (const auto& [route_class, rule] : mount->dialect->default_rate_limits()) {
      rules[mount->dialect->name() + "." + route_class] = rule;
    }
  }
  for (const auto& [name, rule] : config.rate_limits) rules[name] = rule;
  access_log = std::make_unique<AccessLog>(config.access_log ? stdout : nullptr);
  service = std::make_unique<HttpService>(ServiceParts{.router = &router,
                                                       .limiter = &limiter,
                                                       .metrics = &context.metrics,
                                                       .access_log = access_log.get(),
                                                       .idempotency = &idempotency,
                                                       .clock = context.clock,
                                                       .rate_limits = std::move(rules)});
  const int32_t io_threads = config.io_threads > 0 ? config.io_threads : hardware_threads();
  config.io_threads = io_threads;
  // Handlers wait for the writer's group commit; as many as a batch should hold (64), so
  // concurrent writes share one fsync (8 handlers capped batches at 8: half the throughput).
  if (config.handler_threads <= 0) config.handler_threads = std::max(64, 4 * io_threads);
  handlers = std::make_unique<boost::asio::thread_pool>(config.handler_threads);
  transport.reset(
      new TransportShared{.config = config, .service = *service, .handlers = *handlers});
  listener = std::make_shared<Listener>(io, *transport);
  return listener->open({address, config.listen_port});
}

void Server::Impl::begin_shutdown() {
  if (transport->draining.exchange(true)) return;
  context.draining.store(true);
  progress_line("shutting down: finishing in-flight requests");
  boost::system::error_code ec;
  signals.cancel(ec);
  listener->close();
  transport->registry.drain_all();
  drain_deadline_us = monotonic_us() + context.config.shutdown_grace_ms * 1000;
  poll_drain();
}

void Server::Impl::poll_drain() {
  const bool idle = transport->registry.size() == 0 && transport->requests_in_flight.load() == 0;
  if (idle || monotonic_us() >= drain_deadline_us) {
    if (!idle) progress_line("grace time over: closing remaining connections");
    io.stop();
    return;
  }
  transport->registry.drain_all();
  drain_timer.expires_after(std::chrono::milliseconds(kDrainPollMs));
  drain_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll_drain();
  });
}

Result<std::unique_ptr<Server>> Server::create(ServerConfig config) {
  auto impl = std::make_unique<Impl>();
  impl->context.config = std::move(config);
  MC_TRY(impl->open_engine());
  const ServerConfig& limits = impl->context.config;
  impl->context.outbound = std::make_unique<OutboundCalls>(
      OutboundLimits{.calls_max = limits.outbound_calls_max,
                     .per_principal_max = limits.outbound_calls_per_principal});
  impl->context.metrics.declare("marketcore_outbound_calls_in_flight", "gauge",
                                "Outbound calls (agent execution, verifiers) in progress.");
  impl->context.metrics.add_collector([outbound = impl->context.outbound.get()](Metrics& metrics) {
    metrics.set_gauge("marketcore_outbound_calls_in_flight", "",
                      static_cast<double>(outbound->in_flight()));
  });
  MC_TRY(impl->mount_dialects());
  MC_TRY(impl->bind());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

void Server::add_component(std::unique_ptr<BackgroundComponent> component) {
  impl_->components.push_back(std::move(component));
}

Status Server::mount(std::string prefix, std::shared_ptr<Dialect> dialect, bool exclusive) {
  return impl_->router.mount(std::move(prefix), std::move(dialect), exclusive);
}

ServerContext& Server::context() {
  return impl_->context;
}
HttpService& Server::service() {
  return *impl_->service;
}
uint16_t Server::port() const {
  return impl_->listener->port();
}

void Server::stop() {
  boost::asio::post(impl_->io, [impl = impl_.get()] { impl->begin_shutdown(); });
}

Status Server::run() {
  Impl& impl = *impl_;
  impl.components.insert(impl.components.begin(),
                         std::make_unique<DueWorkComponent>(impl.context, kScheduleIntervalMs));
  for (auto& component : impl.context.dialect_components) {
    impl.components.insert(impl.components.begin() + 1, std::move(component));
  }
  impl.context.dialect_components.clear();
  for (size_t i = 0; i < impl.components.size(); ++i) {
    Status started = impl.components[i]->start();
    if (!started.ok()) {
      for (size_t j = i; j-- > 0;) impl.components[j]->stop();
      return started;
    }
  }
  impl.signals.async_wait([&impl](boost::system::error_code ec, int) {
    if (!ec) impl.begin_shutdown();
  });
  impl.listener->run();
  impl.context.ready.store(true);
  const ServerConfig& config = impl.context.config;
  std::fprintf(stderr,
               "marketcore-server: listening on http://%s:%u (%s mode, %d I/O threads, %d handler "
               "threads)\n",
               config.listen_host.c_str(), static_cast<unsigned>(port()),
               config.test_mode ? "test" : "production", config.io_threads, config.handler_threads);
  std::vector<std::thread> threads;
  for (int32_t i = 1; i < config.io_threads; ++i) threads.emplace_back([&impl] { impl.io.run(); });
  impl.io.run();
  for (std::thread& thread : threads) thread.join();
  impl.handlers->join();
  // Answers of writes still committing post to the I/O context: wait for them while it lives.
  impl.context.engine->wait_for_async_writes();
  impl.context.outbound->join();
  for (size_t i = impl.components.size(); i-- > 0;) impl.components[i]->stop();
  progress_line("stopped");
  return ok_status();
}

}  // namespace mc::server
