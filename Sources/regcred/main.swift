print("regcred")
