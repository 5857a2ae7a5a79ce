#include "traces/atomic_file.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace gogcsim::traces {

namespace {

// A device or FIFO (/dev/null, /dev/stdout, /dev/full) is written in place:
// renaming a temporary file over it would replace the device with a
// regular file.
absl::Status WriteInPlace(const std::string& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return absl::UnavailableError(absl::StrCat("cannot open ", path));
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) return absl::DataLossError(absl::StrCat("error writing ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, std::string_view text) {
  {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (!ec && (std::filesystem::is_character_file(st) || std::filesystem::is_block_file(st) ||
                std::filesystem::is_fifo(st))) {
      return WriteInPlace(path, text);
    }
  }
  const std::filesystem::path final_path(path);
  std::filesystem::path tmp = final_path;
  tmp.replace_filename("." + final_path.filename().string() + ".tmp");
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return absl::UnavailableError(absl::StrCat("cannot create ", tmp.string()));
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) {
      std::filesystem::remove(tmp, ec);
      return absl::DataLossError(absl::StrCat("error writing ", tmp.string()));
    }
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp.string(), " to ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace gogcsim::traces
