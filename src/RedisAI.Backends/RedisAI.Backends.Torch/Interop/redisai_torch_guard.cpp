// RedisAI.Backends.Torch native guard: calls a LibTorchSharp export and turns any C++ exception into an error
// string instead of letting it unwind into .NET.
//
// Why: LibTorchSharp's CATCH macro handles only c10::Error and std::runtime_error. TorchScript's compiler reports
// source errors as torch::jit::ErrorReport (a std::exception), so THSJIT_compile / THSJIT_load_byte_array on bad
// script source, or on a model whose code this libtorch cannot compile, let it escape through the P/Invoke
// boundary, and the process aborts ("terminate called after throwing an instance of 'torch::jit::ErrorReport'").
//
// The functions take the export's address, so this library links against nothing but libstdc++ and works with
// whichever LibTorchSharp the app loaded.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

char* copy_message(const char* text) {
  if (text == nullptr) text = "";
  size_t length = std::strlen(text);
  char* copy = static_cast<char*>(std::malloc(length + 1));
  if (copy != nullptr) std::memcpy(copy, text, length + 1);
  return copy;
}

}  // namespace

extern "C" {

typedef void* (*redisai_call_p)(const void*);
typedef void* (*redisai_call_pqqq)(const void*, int64_t, int64_t, int64_t);

// fn(a). On a C++ exception returns null and sets *error to a malloc'ed message (free with redisai_guard_free).
__attribute__((visibility("default")))
void* redisai_guard_call_p(redisai_call_p fn, const void* a, char** error) {
  *error = nullptr;
  try {
    return fn(a);
  } catch (const std::exception& e) {
    *error = copy_message(e.what());
  } catch (...) {
    *error = copy_message("unknown C++ exception");
  }
  return nullptr;
}

// fn(a, b, c, d), as redisai_guard_call_p.
__attribute__((visibility("default")))
void* redisai_guard_call_pqqq(redisai_call_pqqq fn, const void* a, int64_t b, int64_t c, int64_t d, char** error) {
  *error = nullptr;
  try {
    return fn(a, b, c, d);
  } catch (const std::exception& e) {
    *error = copy_message(e.what());
  } catch (...) {
    *error = copy_message("unknown C++ exception");
  }
  return nullptr;
}

__attribute__((visibility("default")))
void redisai_guard_free(char* message) { std::free(message); }

}  // extern "C"
