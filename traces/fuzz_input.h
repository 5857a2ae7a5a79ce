// For the libFuzzer targets (tools/fuzz.sh): the readers take paths, so an
// input is written to a file of its own (in /dev/shm when there is one).
#ifndef GOGCSIM_TRACES_FUZZ_INPUT_H_
#define GOGCSIM_TRACES_FUZZ_INPUT_H_

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace gogcsim::traces {

// A path for `name` private to this process.
inline std::string FuzzPath(const std::string& name) {
  const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/gogcsim-fuzz-" + std::to_string(getpid()) + "-" + name;
}

// Writes data[0, n) to FuzzPath(name) and returns the path.
inline std::string WriteFuzzInput(const std::string& name, const uint8_t* data, size_t n) {
  const std::string path = FuzzPath(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(n));
  return path;
}

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_FUZZ_INPUT_H_
