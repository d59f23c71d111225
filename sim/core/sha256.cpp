#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace hbsim {

namespace {
void digest_update(EVP_MD_CTX* ctx, std::string_view bytes) {
  if (!bytes.empty() && EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) != 1)
    throw std::runtime_error("SHA-256 update failed");
}
}  // namespace

// On a thread of its own, pieces wait their turn in `full`, at most `pieces` at once (the producer
// waits for room), and their buffers come back through `spare`.
struct sha256::worker {
  static constexpr std::size_t pieces = 4;
  std::mutex m;
  std::condition_variable changed;
  std::deque<std::string> full;
  std::vector<std::string> spare;
  std::size_t out = 0;  // pieces handed over and not hashed yet
  bool stopping = false;
  std::exception_ptr failure;
  std::thread thread;

  void run(EVP_MD_CTX* ctx) {
    for (;;) {
      std::string piece;
      {
        std::unique_lock lock(m);
        changed.wait(lock, [&] { return !full.empty() || stopping; });
        if (full.empty()) return;
        piece = std::move(full.front());
        full.pop_front();
      }
      try {
        digest_update(ctx, piece);
      } catch (...) {
        std::lock_guard lock(m);
        if (!failure) failure = std::current_exception();
      }
      {
        std::lock_guard lock(m);
        spare.push_back(std::move(piece));
        --out;
      }
      changed.notify_all();
    }
  }
  void hand_over(std::string_view bytes) {
    std::string piece;
    {
      std::unique_lock lock(m);
      changed.wait(lock, [&] { return out < pieces; });
      if (!spare.empty()) {
        piece = std::move(spare.back());
        spare.pop_back();
      }
    }
    piece.assign(bytes);
    {
      std::lock_guard lock(m);
      full.push_back(std::move(piece));
      ++out;
    }
    changed.notify_all();
  }
  void drain() {
    std::unique_lock lock(m);
    changed.wait(lock, [&] { return out == 0; });
    if (failure) std::rethrow_exception(std::exchange(failure, nullptr));
  }
  void stop() {
    {
      std::lock_guard lock(m);
      stopping = true;
    }
    changed.notify_all();
    thread.join();
  }
};

struct sha256::state {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~state() { EVP_MD_CTX_free(ctx); }
  void start() {
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
};

sha256::sha256(bool own_thread) : s_(std::make_unique<state>()) {
  s_->start();
  if (!own_thread) return;
  w_ = std::make_unique<worker>();
  w_->thread = std::thread([w = w_.get(), ctx = s_->ctx] { w->run(ctx); });
}

sha256::~sha256() {
  if (w_) w_->stop();
}

void sha256::update(std::string_view bytes) {
  if (w_)
    w_->hand_over(bytes);
  else
    digest_update(s_->ctx, bytes);
}

std::string sha256::hex_digest() {
  if (w_) w_->drain();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(s_->ctx, digest, &length) != 1) throw std::runtime_error("SHA-256 final failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xf];
  }
  s_->start();
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

}  // namespace hbsim
