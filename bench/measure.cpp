// Runs a command several times and reports its median wall time, CPU time and
// peak resident memory (from wait4's rusage), so the benchmark needs nothing
// beyond the build. Output: one line per command, tab-separated.
//
//   measure RUNS -- CMD ARGS...
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char **argv) {
    if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
        std::fprintf(stderr, "usage: %s RUNS -- CMD ARGS...\n", argv[0]);
        return 2;
    }
    const int runs = std::max(1, std::atoi(argv[1]));
    std::vector<double> wall, cpu, user, sys;
    long max_rss_kb = 0;
    std::vector<long> faults;  // minor page faults: each is a first touch of a page
    int last_status = 0;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        pid_t pid = fork();
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);  // the tools' output is not what is measured
            dup2(devnull, 2);
            execvp(argv[3], argv + 3);
            _exit(127);
        }
        int status = 0;
        rusage ru{};
        wait4(pid, &status, 0, &ru);
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        user.push_back(ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6);
        sys.push_back(ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
        cpu.push_back(user.back() + sys.back());
        max_rss_kb = std::max(max_rss_kb, ru.ru_maxrss);
        faults.push_back(ru.ru_minflt);
        last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::sort(user.begin(), user.end());
    std::sort(sys.begin(), sys.end());
    std::sort(faults.begin(), faults.end());
    std::printf("median_wall_s=%.4f\tmin_wall_s=%.4f\tmedian_cpu_s=%.4f\tmax_rss_kb=%ld\texit=%d"
                "\tmedian_user_s=%.4f\tmedian_sys_s=%.4f\tmedian_minor_faults=%ld\n",
                wall[wall.size() / 2], wall.front(), cpu[cpu.size() / 2], max_rss_kb, last_status,
                user[user.size() / 2], sys[sys.size() / 2], faults[faults.size() / 2]);
    return 0;
}
