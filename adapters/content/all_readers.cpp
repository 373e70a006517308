#include "adapters/content/readers.hpp"

namespace coursecrew {

ContentReaders all_content_readers() {
    ContentReaders readers;
    readers.push_back(make_rise_reader());
    readers.push_back(make_storyline_reader());
    readers.push_back(make_ispring_reader());
    readers.push_back(make_exe_reader());
    readers.push_back(make_lectora_reader());
    readers.push_back(make_captivate_reader());
    readers.push_back(make_adapt_reader());
    readers.push_back(make_h5p_reader());
    return readers;
}

}  // namespace coursecrew
