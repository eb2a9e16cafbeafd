// A discrete-event simulation of a bank queue: priority queue of events, std::deque of
// customers, std::map of statistics per teller. Usage: events [CUSTOMERS]
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <queue>
#include <string>
#include <vector>

struct Event {
  long time;
  int kind;  // 0 arrival, 1 departure
  int teller;
  bool operator>(const Event &o) const {
    return time != o.time ? time > o.time : kind != o.kind ? kind > o.kind : teller > o.teller;
  }
};

class Random {
 public:
  explicit Random(unsigned s) : state_(s) {}
  unsigned next() { state_ = state_ * 1103515245u + 12345u; return state_ >> 8; }
  long between(long lo, long hi) { return lo + static_cast<long>(next() % (hi - lo + 1)); }
 private:
  unsigned state_;
};

struct Stats {
  long served = 0, busy = 0;
  std::string name;
};

int main(int argc, char **argv) {
  int customers = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int tellers = 3;
  Random rng(99);
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::deque<long> waiting;  // arrival times
  std::vector<bool> idle(tellers, true);
  std::map<int, Stats> stats;
  for (int t = 0; t < tellers; t++) stats[t].name = "teller-" + std::to_string(t);
  long t = 0, total_wait = 0, max_queue = 0;
  for (int c = 0; c < customers; c++) {
    t += rng.between(1, 7);
    events.push({t, 0, -1});
  }
  auto start = [&](int teller, long now, long arrived) {
    long service = rng.between(4, 16);
    idle[teller] = false;
    total_wait += now - arrived;
    stats[teller].served++;
    stats[teller].busy += service;
    events.push({now + service, 1, teller});
  };
  long now = 0;
  while (!events.empty()) {
    Event e = events.top();
    events.pop();
    now = e.time;
    if (e.kind == 0) {
      waiting.push_back(now);
    } else {
      idle[e.teller] = true;
    }
    for (int k = 0; k < tellers && !waiting.empty(); k++)
      if (idle[k]) {
        long arrived = waiting.front();
        waiting.pop_front();
        start(k, now, arrived);
      }
    if (static_cast<long>(waiting.size()) > max_queue) max_queue = static_cast<long>(waiting.size());
  }
  long served = 0;
  for (auto &kv : stats) {
    std::printf("%s served %ld busy %ld\n", kv.second.name.c_str(), kv.second.served, kv.second.busy);
    served += kv.second.served;
  }
  std::printf("served %ld end %ld mean-wait %.3f max-queue %ld\n", served, now,
              static_cast<double>(total_wait) / served, max_queue);
  return served != customers;
}
