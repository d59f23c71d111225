// SHA-256 of a byte stream, fed piece by piece: the fingerprint of a trace. OpenSSL's libcrypto does the hashing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace hbsim {

class sha256 {
 public:
  sha256();
  ~sha256();
  sha256(sha256&&) noexcept;
  sha256& operator=(sha256&&) noexcept;

  void update(std::string_view bytes);
  /// The digest as 64 lowercase hex digits; the hash then starts over.
  std::string hex_digest();

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// The digest of `bytes` in one call.
std::string sha256_hex(std::string_view bytes);

}  // namespace hbsim
