// main() for running a libFuzzer target's entry point over its seed corpus
// as an ordinary test (tools/fuzz.sh fuzzes with clang; this keeps every
// target compiling and its seeds passing in the gcc builds, sanitized too).
//   FUZZER_corpus_test DIR...   every regular file of each DIR, in name order
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t inputs = 0;
  for (int i = 1; i < argc; i++) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(argv[i])) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      inputs++;
    }
  }
  std::printf("%zu inputs\n", inputs);
  // A corpus that is not there would pass without testing anything.
  return inputs == 0 ? 1 : 0;
}
