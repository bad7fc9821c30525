// server/websocket/event_stream.cpp — the hub: the sockets' io thread, the outbox poller, the
// registry of sessions, and the background component that starts and stops it.
//
// Poller, every poll_interval_ms: if the server is draining, close every session (1001) once;
// else read the outbox head, and for each open session behind it with room in its queue, read
// up to that room of its events (Engine::events with its market/party filter), render them and
// push the frames. A short page means the session has seen everything up to the head, so its
// cursor jumps there and an idle session costs no query until the head moves again.
#include "event_stream.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "event_session.h"
#include "marketcore/webhooks.h"

namespace mc::server::websocket {
namespace {

namespace net = boost::asio;
namespace ws = boost::beast::websocket;
using tcp = net::ip::tcp;

constexpr int32_t kReadEventsMax = 100;
constexpr int64_t kCloseWaitStepMs = 10;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct SessionRecord {
  std::shared_ptr<EventSession> session;
  EventStreamSpec spec;
  int64_t cursor = 0;            // poller only
  int64_t stalled_since_ms = 0;  // poller only; 0 = not stalled
};

std::mutex hubs_mutex;
std::map<ServerContext*, std::shared_ptr<EventStreamHub>>& hubs() {
  static auto* map = new std::map<ServerContext*, std::shared_ptr<EventStreamHub>>();
  return *map;
}

}  // namespace

struct EventStreamHub::Impl {
  explicit Impl(ServerContext& server) : context(server) {}

  ServerContext& context;
  EventStreamOptions options;
  net::io_context io{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread io_thread;
  std::thread poll_thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool running = false;
  bool stopping = false;
  int64_t next_id = 1;
  std::map<int64_t, std::shared_ptr<SessionRecord>> sessions;  // guarded by mutex
  int64_t head_sequence = 0;                                   // poller only
  bool drain_closed = false;                                   // poller only

  std::vector<std::shared_ptr<SessionRecord>> snapshot() {
    std::lock_guard lock(mutex);
    std::vector<std::shared_ptr<SessionRecord>> out;
    out.reserve(sessions.size());
    for (auto& [id, record] : sessions) out.push_back(record);
    return out;
  }

  void remove(int64_t id) {
    std::lock_guard lock(mutex);
    sessions.erase(id);
    context.metrics.set_gauge("marketcore_websocket_sessions", "",
                              static_cast<double>(sessions.size()));
  }

  void close_all(ws::close_code code, const char* reason) {
    for (auto& record : snapshot()) record->session->close(code, reason);
  }

  void poll_loop() {
    while (true) {
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(options.poll_interval_ms),
                      [this] { return stopping; });
        if (stopping) return;
      }
      if (context.draining.load()) {
        if (!drain_closed) close_all(ws::close_code::going_away, "server shutting down");
        drain_closed = true;
        continue;
      }
      poll_once();
    }
  }

  void poll_once() {
    Result<int64_t> head = context.engine->webhooks().outbox_head();
    if (!head.ok()) return;
    head_sequence = head.value();
    const int64_t now_ms = steady_ms();
    for (auto& record : snapshot()) {
      if (!record->session->open() || record->cursor >= head_sequence) continue;
      const int32_t room = record->spec.queue_frames_max - record->session->queued();
      if (room <= 0) {
        if (record->stalled_since_ms == 0) record->stalled_since_ms = now_ms;
        if (now_ms - record->stalled_since_ms >= options.stall_timeout_ms) {
          context.metrics.add("marketcore_websocket_slow_consumers_total", "", 1);
          record->session->close(ws::close_code::policy_error, "slow consumer");
        }
        continue;
      }
      record->stalled_since_ms = 0;
      feed(*record, std::min(room, kReadEventsMax));
    }
  }

  void feed(SessionRecord& record, int32_t limit) {
    EventQuery query = record.spec.query;
    query.after_sequence = record.cursor;
    query.limit = limit;
    Result<std::vector<Event>> events = context.engine->events(query);
    if (!events.ok()) return;
    std::vector<std::string> frames;
    for (const Event& event : events.value()) {
      if (std::optional<std::string> frame = record.spec.render(event)) {
        frames.push_back(std::move(*frame));
      }
    }
    const bool short_page = static_cast<int32_t>(events->size()) < limit;
    const int64_t last = events->empty() ? record.cursor : events->back().sequence;
    record.cursor = short_page ? std::max(last, head_sequence) : last;
    if (!frames.empty()) record.session->push(std::move(frames));
  }
};

EventStreamHub::EventStreamHub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStreamHub::~EventStreamHub() {
  stop();
}

std::shared_ptr<EventStreamHub> EventStreamHub::of(ServerContext& context) {
  std::lock_guard lock(hubs_mutex);
  std::shared_ptr<EventStreamHub>& hub = hubs()[&context];
  if (!hub) hub = std::make_shared<EventStreamHub>(std::make_unique<Impl>(context));
  return hub;
}

Status EventStreamHub::start(const EventStreamOptions& options) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  if (impl.running) return ok_status();
  impl.options = options;
  impl.stopping = false;
  impl.running = true;
  impl.io.restart();
  impl.work.emplace(impl.io.get_executor());
  impl.context.metrics.declare("marketcore_websocket_slow_consumers_total", "counter",
                               "WebSocket event streams closed because the client fell behind.");
  impl.context.metrics.declare("marketcore_websocket_sessions", "gauge",
                               "Open WebSocket event streams.");
  impl.io_thread = std::thread([&impl] { impl.io.run(); });
  impl.poll_thread = std::thread([&impl] { impl.poll_loop(); });
  return ok_status();
}

void EventStreamHub::stop() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.mutex);
    if (!impl.running) return;
    impl.running = false;
    impl.stopping = true;
  }
  impl.wake.notify_all();
  impl.poll_thread.join();
  impl.close_all(ws::close_code::going_away, "server shutting down");
  const int64_t deadline_ms = steady_ms() + impl.options.close_grace_ms;
  while (sessions() > 0 && steady_ms() < deadline_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kCloseWaitStepMs));
  }
  impl.work.reset();
  impl.io.stop();
  impl.io_thread.join();
  std::lock_guard lock(impl.mutex);
  impl.sessions.clear();
}

int64_t EventStreamHub::sessions() {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int64_t>(impl_->sessions.size());
}

void EventStreamHub::attach(std::unique_ptr<UpgradedStream> stream, EventStreamSpec spec) {
  Impl& impl = *impl_;
  // Move the socket from the server's io_context to the hub's.
  boost::system::error_code ec;
  tcp::socket& from = stream->stream.socket();
  const tcp::endpoint local = from.local_endpoint(ec);
  if (ec) return;
  const tcp::socket::native_handle_type handle = from.release(ec);
  if (ec) return;
  tcp::socket socket(impl.io);
  socket.assign(local.protocol(), handle, ec);
  if (ec) return;
  std::lock_guard lock(impl.mutex);
  if (!impl.running) return;  // `socket` closes on return
  const int64_t id = impl.next_id++;
  auto record = std::make_shared<SessionRecord>();
  record->cursor = spec.query.after_sequence;
  record->spec = std::move(spec);
  const bool full = static_cast<int32_t>(impl.sessions.size()) >= impl.options.sessions_max;
  record->session = std::make_shared<EventSession>(std::move(socket), std::move(stream->request),
                                                   impl.options.idle_timeout_ms,
                                                   [&impl, id] { impl.remove(id); });
  impl.sessions.emplace(id, record);
  impl.context.metrics.set_gauge("marketcore_websocket_sessions", "",
                                 static_cast<double>(impl.sessions.size()));
  record->session->start();
  if (full) record->session->close(ws::close_code::try_again_later, "too many streams");
}

class EventStreamComponent final : public BackgroundComponent {
 public:
  EventStreamComponent(ServerContext& context, EventStreamOptions options)
      : context_(context), options_(options) {}
  std::string name() const override { return "event-streams"; }
  Status start() override {
    hub_ = EventStreamHub::of(context_);
    return hub_->start(options_);
  }
  void stop() override {
    if (!hub_) return;
    hub_->stop();
    std::lock_guard lock(hubs_mutex);
    hubs().erase(&context_);
    hub_.reset();
  }

 private:
  ServerContext& context_;
  EventStreamOptions options_;
  std::shared_ptr<EventStreamHub> hub_;
};

std::unique_ptr<BackgroundComponent> make_event_stream_component(ServerContext& context,
                                                                 EventStreamOptions options) {
  return std::make_unique<EventStreamComponent>(context, options);
}

}  // namespace mc::server::websocket
