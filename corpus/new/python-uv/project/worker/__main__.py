print("worker up")
