enum OperationsModule {}
