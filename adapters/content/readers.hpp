// The content readers, one per authoring tool (adapters/content/<tool>/).
// The composition root (plugin/engine/registry.cpp) takes them all from
// all_content_readers(); tests may make one alone.
#pragma once

#include <memory>

#include "plugin/content/content.hpp"

namespace coursecrew {

// Every tool's reader, in the order they are tried.
ContentReaders all_content_readers();

std::unique_ptr<ContentReader> make_rise_reader();       // Articulate Rise 360
std::unique_ptr<ContentReader> make_storyline_reader();  // Articulate Storyline
std::unique_ptr<ContentReader> make_ispring_reader();    // iSpring Suite
// eXeLearning 2.x (contentv3.xml) and 3.x (content.xml).
std::unique_ptr<ContentReader> make_exe_reader();
// Lectora: the published page files and the links between them.
std::unique_ptr<ContentReader> make_lectora_reader();
// Adobe Captivate: assets/js/CPM.js (slides) and project.txt.
std::unique_ptr<ContentReader> make_captivate_reader();
// Adapt Framework: course/<lang>/*.json.
std::unique_ptr<ContentReader> make_adapt_reader();
// H5P: h5p.json and content/content.json, or H5PIntegration in an HTML page.
std::unique_ptr<ContentReader> make_h5p_reader();

}  // namespace coursecrew
