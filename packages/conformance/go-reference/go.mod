module ka/go-reference

go 1.23
