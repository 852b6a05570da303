module ka/fuzz-oracle

go 1.23
