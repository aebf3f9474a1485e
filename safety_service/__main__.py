from safety_service.cli import main

main()
