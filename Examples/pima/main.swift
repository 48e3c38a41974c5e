print("pima: coming with the Model API")
