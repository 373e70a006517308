// The content readers, one per authoring tool (adapters/content/<tool>/).
// The composition root (plugin/engine/registry.cpp) takes them all from
// all_content_readers(); tests may make one alone.
#pragma once

#include <memory>

#include "plugin/content/content.hpp"

namespace coursecrew {

// Every tool's reader, in the order they are tried.
ContentReaders all_content_readers();

std::unique_ptr<ContentReader> make_adapt_reader();
std::unique_ptr<ContentReader> make_h5p_reader();

}  // namespace coursecrew
