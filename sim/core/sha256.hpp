// SHA-256 of a byte stream, fed piece by piece: the fingerprint of a trace. OpenSSL's libcrypto does the hashing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace hbsim {

class sha256 {
 public:
  /// `own_thread`: hash on a thread of its own, so that the caller goes on (update() copies the bytes
  /// and returns; it waits only when four pieces are already waiting). For a second core.
  explicit sha256(bool own_thread = false);
  ~sha256();
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(std::string_view bytes);
  /// The digest as 64 lowercase hex digits; the hash then starts over.
  std::string hex_digest();

 private:
  struct state;
  struct worker;
  std::unique_ptr<state> s_;
  std::unique_ptr<worker> w_;  // with own_thread
};

/// The digest of `bytes` in one call.
std::string sha256_hex(std::string_view bytes);

}  // namespace hbsim
