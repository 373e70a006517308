#include "adapters/content/readers.hpp"

namespace coursecrew {

ContentReaders all_content_readers() {
    ContentReaders readers;
    return readers;
}

}  // namespace coursecrew
