// The Boost.Test module: every tests/unit/*.cpp file adds its suites.
#define BOOST_TEST_MODULE coursecrew
#include <boost/test/unit_test.hpp>
