#include "core/common/json_reader.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace sd {

using nlohmann::json;

namespace {

/// Builds the document like nlohmann's DOM parser and remembers where it is, so that errors can name the
/// field path; refuses duplicate keys.
class StrictSaxBuilder final : public nlohmann::json_sax<json> {
public:
    explicit StrictSaxBuilder(json& root) : root_(root) {}

    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t v) override { return put(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
    bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }

    bool start_object(std::size_t) override { return open(json::object()); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t& k) override {
        Frame& f = stack_.back();
        if (f.node->contains(k)) {
            duplicateKey_ = k;
            duplicate_ = true;
            errorPath_ = path(/*ofInnermost=*/false);
            return false;
        }
        f.key = std::move(k);
        return true;
    }

    bool parse_error(std::size_t position, const std::string& lastToken, const nlohmann::detail::exception& ex) override {
        position_ = position;
        lastToken_ = lastToken;
        message_ = ex.what();
        overflow_ = ex.id == 406;
        errorPath_ = path();
        return false;
    }

    bool duplicate() const { return duplicate_; }
    const std::string& duplicateKey() const { return duplicateKey_; }
    bool overflow() const { return overflow_; }
    std::size_t position() const { return position_; }
    const std::string& lastToken() const { return lastToken_; }
    const std::string& message() const { return message_; }
    const std::string& errorPath() const { return errorPath_; }

private:
    struct Frame {
        json* node;
        std::string key;   // objects: the key of the value being read
    };

    /// The path of the value being read, "a.b[3].c" (empty at the top level); with `ofInnermost` false, the
    /// path of the innermost open container itself.
    std::string path(bool ofInnermost = true) const {
        std::string p;
        const std::size_t depth = ofInnermost ? stack_.size() : stack_.size() - 1;
        for (std::size_t i = 0; i < depth; ++i) {
            const Frame& f = stack_[i];
            // An enclosing array's open element is its last one; the innermost array's is the next one.
            if (f.node->is_array()) {
                p += '[';
                p += std::to_string(f.node->size() - (i + 1 < stack_.size() ? 1 : 0));
                p += ']';
            } else {
                if (!p.empty()) p += '.';
                p += f.key;
            }
        }
        return p;
    }

    json* insert(json&& v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        Frame& f = stack_.back();
        if (f.node->is_array()) {
            f.node->push_back(std::move(v));
            return &f.node->back();
        }
        json& slot = (*f.node)[f.key];
        slot = std::move(v);
        return &slot;
    }
    bool put(json&& v) {
        insert(std::move(v));
        return true;
    }
    bool open(json&& container) {
        stack_.push_back({insert(std::move(container)), {}});
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    json& root_;
    std::vector<Frame> stack_;
    std::string duplicateKey_, lastToken_, message_, errorPath_;
    std::size_t position_ = 0;
    bool overflow_ = false, duplicate_ = false;
};

std::string located(const std::string& source, const std::string& path) { return path.empty() ? source : source + ": " + path; }

}  // namespace

json parseJsonStrict(std::string_view text, const std::string& source) {
    json doc;
    StrictSaxBuilder builder(doc);
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder);
    if (ok) return doc;
    if (builder.duplicate())
        throw Error(located(source, builder.errorPath()), "duplicate key \"" + builder.duplicateKey() + "\"");
    if (builder.overflow())
        throw Error(located(source, builder.errorPath()),
                    "number " + builder.lastToken() + " is out of range (larger than the largest double)");
    throw Error(source + ": byte " + std::to_string(builder.position()), "invalid JSON: " + builder.message());
}

json readJsonFileStrict(const std::filesystem::path& path) { return parseJsonStrict(readFile(path), path.string()); }

int jsonIndex(const json& v, const std::string& where) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        return static_cast<int>(v.get<std::uint64_t>());
    if (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() >= 0 &&
        v.get<std::int64_t>() <= std::numeric_limits<int>::max())
        return static_cast<int>(v.get<std::int64_t>());
    std::string found = v.dump();
    if (found.size() > 40) found = found.substr(0, 40) + "…";
    throw Error(where, "expected an index (an integer from 0 to " + std::to_string(std::numeric_limits<int>::max()) +
                           "), found " + found);
}

}  // namespace sd
