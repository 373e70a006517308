#include "adapters/content/readers.hpp"

namespace coursecrew {

ContentReaders all_content_readers() {
    ContentReaders readers;
    readers.push_back(make_adapt_reader());
    readers.push_back(make_h5p_reader());
    return readers;
}

}  // namespace coursecrew
