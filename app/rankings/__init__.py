"""晾晒比拼: public rankings of escorts, departments and towns per period."""
