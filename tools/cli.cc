#include "tools/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"

#include "sim/out_of_memory.h"

namespace gogcsim::tools {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "gogcsim: %s\n", msg.c_str());
  return kExitUsage;
}

int FailWith(const absl::Status& status) {
  if (sim::IsOutOfMemory(status)) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(status.message().size()), status.message().data());
    return kExitOutOfMemory;
  }
  return Fail(std::string(status.message()));
}

int CheckFlags(int argc, char** argv) {
  auto find = [](const std::string& name) { return absl::FindCommandLineFlag(absl::string_view(name)); };
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-') continue;
    const std::string body = a.substr(a[1] == '-' ? 2 : 1);
    const size_t eq = body.find('=');
    const std::string name = body.substr(0, eq);
    absl::CommandLineFlag* flag = find(name);
    bool negated = false;
    if (flag == nullptr && name.starts_with("no")) {
      flag = find(name.substr(2));
      negated = flag != nullptr;
    }
    if (flag == nullptr) return Fail("unknown flag --" + name + " (try gogcsim --help)");
    const bool is_bool = flag->IsOfType<bool>();
    if (negated && (!is_bool || eq != std::string::npos)) return Fail("unknown flag --" + name + " (try gogcsim --help)");
    if (is_bool && eq == std::string::npos) continue;  // --json, --nojson
    std::string value;
    if (eq != std::string::npos) {
      value = body.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];  // --flag VALUE
    } else {
      return Fail("--" + name + " needs a value");
    }
    if (value.empty()) return Fail("--" + name + "= needs a value");
    // Sets the flag as ParseCommandLine will, which then cannot fail.
    std::string error;
    if (!flag->ParseFrom(absl::string_view(value), &error)) return Fail("--" + name + "=" + value + ": " + error);
  }
  return 0;
}

std::vector<std::string> NaturalFlags(int argc, char** argv, int* status) {
  *status = 0;
  std::vector<std::string> out;
  bool sweep = false, cmd_seen = false;
  for (int i = 0; i < argc; i++) {
    std::string a = argv[i];
    if (i > 0 && !a.starts_with("-") && !cmd_seen) {
      cmd_seen = true;
      sweep = a == "sweep";
    }
    std::string name = a.substr(0, a.find('='));
    const bool dashes = name.starts_with("--") || name.starts_with("-");
    name.erase(0, name.starts_with("--") ? 2 : dashes ? 1 : 0);
    const bool gogc = name == "gogc" || name == "gogc_list";
    const bool procs = name == "gomaxprocs" || name == "gomaxprocs_list";
    if (!dashes || (!gogc && !procs)) {
      out.push_back(a);
      continue;
    }
    std::string value;
    if (a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      out.push_back(a);  // CheckFlags says what is missing
      continue;
    }
    if (sweep && value.find(',') != std::string::npos && !name.ends_with("_list")) name += "_list";
    if (gogc) {
      std::string values;
      size_t start = 0;
      for (;;) {
        const size_t comma = value.find(',', start);
        std::string v = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (v == "off") v = "-1";
        int64_t n = 0;
        bool digits = !v.empty();
        for (size_t k = v[0] == '-' ? 1 : 0; k < v.size(); k++) digits = digits && v[k] >= '0' && v[k] <= '9';
        if (digits && v.size() < 12) n = std::stoll(v);
        if (digits && v.size() < 12 && (n < -1 || n > 1'000'000)) {
          *status = Fail("--" + name + "=" + value + ": GOGC " + v + " outside -1 .. 1000000 (or off)");
          return out;
        }
        values += (values.empty() ? "" : ",") + v;  // anything else: the flag's parser says what
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      value = values;
    }
    out.push_back("--" + name + "=" + value);
  }
  return out;
}

int FinishStdout(int rc) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "gogcsim: error writing to standard output: %s\n", std::strerror(errno));
    return kExitWrite;
  }
  return rc;
}

}  // namespace gogcsim::tools
