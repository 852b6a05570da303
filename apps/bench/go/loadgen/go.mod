module ka/bench/loadgen

go 1.23
